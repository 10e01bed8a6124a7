import type { Customer } from '../../entities';
import { BadInputError } from '../../core/errors';
import { ageOn } from '../../core/time';

/** PIPL art. 31: personal information of a child under 14 needs a guardian's consent. */
export const GUARDIAN_CONSENT_BELOW_AGE = 14;

export type HealthConsentStatus = 'GIVEN' | 'WITHDRAWN' | 'NONE';

export function healthConsentStatus(
  customer: Pick<Customer, 'healthConsentWithdrawnAt' | 'healthConsentGivenAt'>,
): HealthConsentStatus {
  if (customer.healthConsentWithdrawnAt != null) return 'WITHDRAWN';
  return customer.healthConsentGivenAt != null ? 'GIVEN' : 'NONE';
}

export function isMinor(customer: Customer, today: string): boolean {
  return customer.birthday != null && ageOn(customer.birthday, today) < GUARDIAN_CONSENT_BELOW_AGE;
}

/**
 * Health fields are written only with a separate consent in force (PIPL art. 29), a guardian's for a
 * child under 14 (art. 31). The error names what is missing and how to record it.
 */
export function assertHealthConsent(customer: Customer, today: string): void {
  const status = healthConsentStatus(customer);
  if (status === 'GIVEN' && (!isMinor(customer, today) || customer.healthConsentGuardian)) return;
  const missing =
    status === 'WITHDRAWN'
      ? 'withdrew consent to the processing of health data'
      : status === 'GIVEN'
        ? `is under ${GUARDIAN_CONSENT_BELOW_AGE}: health data needs a guardian's consent (PIPL art. 31)`
        : 'has not consented to the processing of health data (PIPL art. 29)';
  throw new BadInputError(
    'customerId',
    status === 'WITHDRAWN' ? 'HEALTH_CONSENT_WITHDRAWN' : 'HEALTH_CONSENT_MISSING',
    `The customer ${missing}: record it with giveHealthConsent first; nothing was written.`,
  );
}
