import { Role } from '../../entities/access/access.enums';
import { CUSTOMER_READERS, grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, FRONT_DESK } = Role;

/**
 * Merging moves health records and balances: OWNER and MANAGER, who read and write both for every
 * customer. Candidates are also for the front desk, where duplicates are created and noticed (a
 * second card for a returning customer); a candidate's customers answer under Customer's own rules.
 */
const mergers = grant.writers(OWNER, MANAGER);
const candidateReaders = grant.roles(OWNER, MANAGER, FRONT_DESK);
const mergeReaders = grant.roles(OWNER, MANAGER);

export const customerMergePolicy: PolicyMap = {
  Query: { duplicateCustomers: candidateReaders },
  Mutation: { mergeCustomers: mergers },
  // Whoever reads a customer can follow a merged record to the one that replaced it.
  Customer: fieldsOf(['mergedInto', 'mergedAt'], grant.roles(...CUSTOMER_READERS)),
  CustomerMerge: fieldsOf(
    ['survivor', 'merged', 'operationId', 'transfers', 'conflicts', 'moved'],
    mergeReaders,
  ),
  MergeConflict: fieldsOf(['field', 'kept'], mergeReaders),
  MergeMoved: fieldsOf(['kind', 'count'], mergeReaders),
  DuplicateCandidate: fieldsOf(['first', 'second', 'reasons'], candidateReaders),
  DuplicateCandidateConnection: fieldsOf(['edges', 'pageInfo', 'totalCount'], candidateReaders),
  DuplicateCandidateEdge: fieldsOf(['cursor', 'node'], candidateReaders),
};
