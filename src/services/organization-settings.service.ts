import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from '../entities';
import { AuditAction } from '../entities/enums';
import type { CustomerStatusSettingsInput } from '../schema/organization.inputs';
import { BadInputError } from '../server/errors';
import type { Viewer } from '../server/viewer';
import type { AuditService } from './audit.service';

/** Settings of the caller's organization; for now the thresholds of ACTIVE / DORMANT / LOST. */
export class OrganizationSettingsService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  updateCustomerStatusThresholds(input: CustomerStatusSettingsInput): Promise<Organization> {
    return this.em.transactional(async (em) => {
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
}
