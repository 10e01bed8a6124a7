import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER } = Role;

/** Erasure answers a PIPL request, and the retention rule decides erasures: the owner's alone, no API key. */
const owner = grant.roles(OWNER);

export const customerErasurePolicy: PolicyMap = {
  Query: { customerRetention: owner },
  Mutation: { eraseCustomer: owner, setCustomerRetention: owner },
  CustomerErasure: fieldsOf(['customer', 'erasedAt'], owner),
  CustomerRetention: fieldsOf(['eraseLostCustomersAfterYears'], owner),
};
