import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION } = Role;

/** Whether health data may be written: everyone who might write or collect it, not marketing. */
const healthConsentReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION);

export const healthConsentPolicy: PolicyMap = {
  Mutation: {
    // The separate PIPL consent (and a guardian's) is taken by staff in person, not by a POS key.
    giveHealthConsent: grant.writers(OWNER, MANAGER, CONSULTANT, FRONT_DESK),
    withdrawHealthConsent: grant.writers(OWNER, MANAGER, CONSULTANT, FRONT_DESK),
  },
  Customer: { healthConsent: healthConsentReaders },
  HealthConsent: fieldsOf(['status', 'givenAt', 'source', 'guardian', 'withdrawnAt'], healthConsentReaders),
};
