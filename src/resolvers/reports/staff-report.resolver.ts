import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { money } from '../../schema/money.type';
import { ReportPeriodInput } from '../../schema/reports/report-period.inputs';
import { StaffPerformanceReport } from '../../schema/reports/staff-report.type';
import type { AppContext } from '../context';

/** 员工绩效: per therapist and per consultant; the service narrows it to the viewer's own rows. */
@Resolver()
export class StaffReportResolver {
  @Query(() => StaffPerformanceReport, {
    description:
      '员工绩效: services performed, revenue attributed, satisfaction, rebooking, complaints per therapist; customers and spend per consultant.',
  })
  async staffPerformanceReport(
    @Arg('period', () => ReportPeriodInput) period: ReportPeriodInput,
    @Ctx() context: AppContext,
    @Arg('storeId', () => ID, { nullable: true, description: 'Visits and complaints of this store only.' })
    storeId?: string,
    @Arg('staffId', () => ID, {
      nullable: true,
      description: 'One staff member only (THERAPIST and CONSULTANT: only their own id gives rows).',
    })
    staffId?: string,
  ) {
    const report = await context.services.reports.staffPerformance(period, storeId, staffId);
    const { currency } = await context.loaders.organization();
    return {
      from: report.period.from,
      to: report.period.to,
      timeZone: report.period.timeZone,
      therapists: report.therapists.map((row) => ({
        ...row,
        revenueAttributed: money(row.revenueAttributed, currency),
      })),
      consultants: report.consultants.map((row) => ({ ...row, spend: money(row.spend, currency) })),
      revenueAttributed: money(report.revenueAttributed, currency),
    };
  }
}
