import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization, Store } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type {
  CustomerStatusSettingsInput,
  UpdateStoreInput,
} from '../../schema/organization/organization.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { changedFields } from '../changes';
import { inTransaction } from '../transaction';

/** Settings of the caller's organization and its stores. */
export class OrganizationSettingsService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  updateCustomerStatusThresholds(input: CustomerStatusSettingsInput): Promise<Organization> {
    return inTransaction(this.em, async (em) => {
      const organization = await em.findOneOrFail(Organization, { id: this.viewer.organizationId });
      const dormant = input.dormantAfterDays ?? organization.dormantAfterDays;
      const lost = input.lostAfterDays ?? organization.lostAfterDays;
      if (lost <= dormant)
        throw new BadInputError(
          'lostAfterDays',
          'greaterThanDormant',
          `lostAfterDays (${lost}) must be greater than dormantAfterDays (${dormant}).`,
        );
      organization.dormantAfterDays = dormant;
      organization.lostAfterDays = lost;
      this.audit.recordChange(em, AuditAction.UPDATE, 'Organization', organization.id, undefined, [
        ...(input.dormantAfterDays !== undefined ? ['dormantAfterDays'] : []),
        ...(input.lostAfterDays !== undefined ? ['lostAfterDays'] : []),
      ]);
      return organization;
    });
  }

  updateStore(id: string, input: UpdateStoreInput): Promise<Store> {
    if (input.timezone !== undefined && input.timezone !== null && !isTimeZone(input.timezone))
      throw new BadInputError(
        'timezone',
        'timeZone',
        `${input.timezone} is not an IANA time zone such as Asia/Shanghai.`,
      );
    return inTransaction(this.em, async (em) => {
      // Local dates are computed in SQL too: PostgreSQL must know the zone as well as Node does.
      if (input.timezone && !(await postgresKnowsZone(em, input.timezone)))
        throw new BadInputError(
          'timezone',
          'timeZone',
          `${input.timezone} is not an IANA time zone such as Asia/Shanghai.`,
        );
      const store = await em.findOne(Store, { id });
      if (!store) throw new NotFoundError('Store', id);
      const fields = changedFields(store, {
        name: input.name?.trim(),
        address: input.address === null ? null : input.address?.trim(),
        phone: input.phone === null ? null : input.phone?.trim(),
        timezone: input.timezone ?? undefined,
        allowNegativeStock: input.allowNegativeStock ?? undefined,
      });
      if (fields.length > 0) this.audit.recordChange(em, AuditAction.UPDATE, 'Store', id, undefined, fields);
      return store;
    });
  }
}

async function postgresKnowsZone(em: EntityManager, zone: string): Promise<boolean> {
  const rows = await em
    .getConnection()
    .execute(`select 1 from pg_timezone_names where name = ?`, [zone], 'all', em.getTransactionContext());
  return rows.length > 0;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
