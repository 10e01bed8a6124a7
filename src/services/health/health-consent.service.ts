import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, Organization } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type {
  GiveHealthConsentInput,
  WithdrawHealthConsentInput,
} from '../../schema/health/health-consent.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { GUARDIAN_CONSENT_BELOW_AGE, healthConsentStatus, isMinor } from './health-consent';
import { todayIn } from '../../core/time';
import { inTransaction } from '../transaction';

/** The separate consent to process health data (PIPL art. 29 / 31), given and withdrawn. */
export class HealthConsentService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  give(input: GiveHealthConsentInput): Promise<Customer> {
    const source = input.source.trim();
    const guardian = input.guardian?.trim() || undefined;
    return inTransaction(this.em, async (em) => {
      const customer = await this.customer(em, input.customerId);
      const organization = await em.findOneOrFail(Organization, { id: this.viewer.organizationId });
      if (isMinor(customer, todayIn(organization.timezone)) && !guardian)
        throw new BadInputError(
          'guardian',
          'GUARDIAN_REQUIRED',
          `The customer is under ${GUARDIAN_CONSENT_BELOW_AGE}: a guardian consents (PIPL art. 31); give guardian, e.g. 母亲 王丽.`,
        );
      customer.healthConsentGivenAt = new Date();
      customer.healthConsentSource = source;
      customer.healthConsentGuardian = guardian;
      customer.healthConsentWithdrawnAt = undefined;
      this.audit.recordChange(em, AuditAction.UPDATE, 'Customer', customer.id, customer.id, [
        'healthConsent.given',
      ]);
      return customer;
    });
  }

  /** The health profile is hidden from every role but OWNER from now on; the withdrawal is audited. */
  withdraw(input: WithdrawHealthConsentInput): Promise<Customer> {
    return inTransaction(this.em, async (em) => {
      const customer = await this.customer(em, input.customerId);
      if (healthConsentStatus(customer) !== 'GIVEN')
        throw new BadInputError(
          'customerId',
          'NO_CONSENT',
          'The customer has no health-data consent in force.',
        );
      customer.healthConsentWithdrawnAt = new Date();
      this.audit.recordChange(em, AuditAction.UPDATE, 'Customer', customer.id, customer.id, [
        `healthConsent.withdrawn:${input.source.trim()}`,
      ]);
      return customer;
    });
  }

  private async customer(em: EntityManager, id: string): Promise<Customer> {
    const customer = await em.findOne(
      Customer,
      { id, archivedAt: null },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }
}
