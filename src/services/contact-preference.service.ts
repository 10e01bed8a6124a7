import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, Organization } from '../entities';
import { AuditAction, MARKETING_CHANNELS, type ContactChannel } from '../entities/enums';
import type {
  CareSettingsInput,
  SetContactConsentInput,
  UpdateContactPreferencesInput,
} from '../schema/consent.inputs';
import { BadInputError, NotFoundError } from '../server/errors';
import type { Viewer } from '../server/viewer';
import type { AuditService } from './audit.service';
import { changedFields } from './changes';
import { inTransaction } from './transaction';

/** Marketing consent per channel, 勿扰, preferred channel and frequency cap; the care settings. */
export class ContactPreferenceService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  /** Upserts the channel's consent; the audit log keeps every change with its source. */
  setConsent(input: SetContactConsentInput): Promise<Customer> {
    if (!(MARKETING_CHANNELS as readonly ContactChannel[]).includes(input.channel))
      throw new BadInputError(
        'channel',
        'marketingChannel',
        'Consent is given per WECHAT, SMS, PHONE or EMAIL.',
      );
    return inTransaction(this.em, async (em) => {
      const customer = await this.customer(em, input.customerId);
      // One row per channel; two clerks recording at once both land, the later one wins.
      await em.getConnection().execute(
        `insert into contact_consent
           (id, organization_id, customer_id, channel, granted, source, recorded_at, recorded_by_id)
         values (gen_random_uuid(), ?, ?, ?, ?, ?, now(), ?)
         on conflict (customer_id, channel) do update set granted = excluded.granted,
           source = excluded.source, recorded_at = excluded.recorded_at,
           recorded_by_id = excluded.recorded_by_id, updated_at = now()`,
        [
          this.viewer.organizationId,
          customer.id,
          input.channel,
          input.granted,
          input.source.trim(),
          this.viewer.userId ?? null,
        ],
        'run',
        em.getTransactionContext(),
      );
      this.audit.recordChange(em, AuditAction.UPDATE, 'ContactConsent', undefined, customer.id, [
        `consent.${input.channel}.${input.granted ? 'granted' : 'withdrawn'}`,
      ]);
      return customer;
    });
  }

  updatePreferences(input: UpdateContactPreferencesInput): Promise<Customer> {
    if ((input.marketingCapCount == null) !== (input.marketingCapDays == null))
      throw new BadInputError(
        'marketingCapDays',
        'pair',
        'Give marketingCapCount and marketingCapDays together.',
      );
    return inTransaction(this.em, async (em) => {
      const customer = await this.customer(em, input.customerId);
      const fields = changedFields(customer, {
        doNotContact: input.doNotContact ?? undefined,
        preferredChannel: input.preferredChannel ?? undefined,
        marketingCapCount: input.marketingCapCount ?? undefined,
        marketingCapDays: input.marketingCapDays ?? undefined,
      });
      if (fields.length > 0)
        this.audit.recordChange(em, AuditAction.UPDATE, 'Customer', customer.id, customer.id, fields);
      return customer;
    });
  }

  updateCareSettings(input: CareSettingsInput): Promise<Organization> {
    return inTransaction(this.em, async (em) => {
      const organization = await em.findOneOrFail(Organization, { id: this.viewer.organizationId });
      const fields = changedFields(organization, {
        visitFollowUpAfterHours: input.visitFollowUpAfterHours,
        visitFollowUpWithinHours: input.visitFollowUpWithinHours,
        greetingLeadDays: input.greetingLeadDays,
        wakeUpAfterDays: input.wakeUpAfterDays,
        cardExpiryReminderDays: input.cardExpiryReminderDays,
        lowBalanceThreshold: input.lowBalanceThresholdMinorUnits,
        marketingCapCount: input.marketingCapCount,
        marketingCapDays: input.marketingCapDays,
        careHolidays: input.holidays?.map((holiday) => ({ date: holiday.date, name: holiday.name.trim() })),
      });
      if (organization.visitFollowUpWithinHours <= organization.visitFollowUpAfterHours)
        throw new BadInputError(
          'visitFollowUpWithinHours',
          'greaterThanAfter',
          'visitFollowUpWithinHours must be greater than visitFollowUpAfterHours.',
        );
      for (const holiday of organization.careHolidays)
        // A bad date would make the schedule's SQL fail for the whole organization: check the calendar.
        if (!isCalendarDate(holiday.date))
          throw new BadInputError(
            'holidays',
            'date',
            `${holiday.date} is not a date (YYYY-MM-DD) between 2000 and 2100.`,
          );
      if (fields.length > 0)
        this.audit.recordChange(em, AuditAction.UPDATE, 'Organization', organization.id, undefined, fields);
      return organization;
    });
  }

  private async customer(em: EntityManager, id: string): Promise<Customer> {
    const customer = await em.findOne(Customer, { id, archivedAt: null });
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }
}

function isCalendarDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  const year = Number(date.slice(0, 4));
  return (
    year >= 2000 &&
    year <= 2100 &&
    !Number.isNaN(parsed.getTime()) &&
    parsed.toISOString().slice(0, 10) === date
  );
}
