import type { RowOf } from '../../services/rows';
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Organization } from '../../entities';
import type { AppContext } from '../context';
import { CareSettingsInput } from '../../schema/care/care-settings.inputs';
import { CareSettingsType } from '../../schema/care/care-settings.type';
import { OrganizationType } from '../../schema/organization/organization.type';

@Resolver(() => OrganizationType)
export class CareSettingsResolver {
  @Mutation(() => OrganizationType, { description: 'Change how the care schedule creates tasks.' })
  updateCareSettings(@Arg('input') input: CareSettingsInput, @Ctx() context: AppContext) {
    return context.services.careSettings.update(input);
  }

  @FieldResolver(() => CareSettingsType, { nullable: true })
  careSettings(@Root() organization: RowOf<Organization>): CareSettingsType {
    return {
      visitFollowUpAfterHours: organization.visitFollowUpAfterHours,
      visitFollowUpWithinHours: organization.visitFollowUpWithinHours,
      greetingLeadDays: organization.greetingLeadDays,
      wakeUpAfterDays: organization.wakeUpAfterDays ?? organization.dormantAfterDays,
      cardExpiryReminderDays: organization.cardExpiryReminderDays,
      lowBalanceThresholdMinorUnits: organization.lowBalanceThreshold,
      marketingCap: { count: organization.marketingCapCount, days: organization.marketingCapDays },
      holidays: organization.careHolidays,
    };
  }
}
