import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { CustomerActivityReport } from '../../schema/reports/customer-report.type';
import { ReportPeriodInput } from '../../schema/reports/report-period.inputs';
import { StatusTransitions } from '../../schema/reports/status-transitions.type';
import type { CustomerActivity } from '../../services/reports/customer-activity';
import type { AppContext } from '../context';

/** 状态流转 as a field of customerActivityReport, over the same customers (its storeId). */
@Resolver(() => CustomerActivityReport)
export class StatusTransitionsResolver {
  @FieldResolver(() => StatusTransitions, {
    description: 'Moves between ACTIVE, DORMANT and LOST within a period (its grain is not used).',
  })
  transitions(
    @Root() activity: CustomerActivity,
    @Arg('period', () => ReportPeriodInput) period: ReportPeriodInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.statusTransitions.transitions(activity.storeId, period);
  }
}
