import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION } = Role;

/** Consent and contact preferences: who contacts customers, marketing, and a POS or mini program. */
const consentReaders = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION);
const consentWriters = grant.writers(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION);

export const consentPolicy: PolicyMap = {
  Mutation: {
    setContactConsent: consentWriters,
    updateContactPreferences: consentWriters,
  },
  Customer: {
    contactConsents: consentReaders,
    doNotContact: consentReaders,
    preferredChannel: consentReaders,
    marketingCap: consentReaders,
  },
  ContactConsent: fieldsOf(['channel', 'granted', 'source', 'recordedAt'], consentReaders),
  MarketingCap: fieldsOf(['count', 'days'], consentReaders),
};
