import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type { CareSettingsInput } from '../../schema/care/care-settings.inputs';
import { BadInputError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { changedFields } from '../changes';
import { inTransaction } from '../transaction';

/** How the care schedule creates tasks for the organization: follow-up hours, greetings, holidays, caps. */
export class CareSettingsService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  update(input: CareSettingsInput): Promise<Organization> {
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
