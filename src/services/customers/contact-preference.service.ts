import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { MARKETING_CHANNELS, type ContactChannel } from '../../entities/customers/customers.enums';
import type {
  SetContactConsentInput,
  UpdateContactPreferencesInput,
} from '../../schema/customers/consent.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { changedFields } from '../changes';
import { inTransaction } from '../transaction';

/** Marketing consent per channel, 勿扰, preferred channel and frequency cap. */
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

  private async customer(em: EntityManager, id: string): Promise<Customer> {
    const customer = await em.findOne(Customer, { id, archivedAt: null });
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }
}
