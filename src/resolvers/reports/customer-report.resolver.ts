import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { CustomerGrowthGrouping } from '../../schema/enums.type';
import {
  CustomerActivityReport,
  CustomerCompositionReport,
  CustomerGrowthReport,
} from '../../schema/reports/customer-report.type';
import { ReportPeriodInput } from '../../schema/reports/report-period.inputs';
import type { AppContext } from '../context';

/** 客户分析: the customer reports (no health field is read by any of them). */
@Resolver()
export class CustomerReportResolver {
  @Query(() => CustomerGrowthReport, {
    description:
      '客户增长: new customers per day, week or month, with 环比 and 同比; by source or home store.',
  })
  customerGrowthReport(
    @Arg('period', () => ReportPeriodInput) period: ReportPeriodInput,
    @Ctx() context: AppContext,
    @Arg('storeId', () => ID, { nullable: true, description: 'Customers of this home store only.' })
    storeId?: string,
    @Arg('groupBy', () => CustomerGrowthGrouping, { nullable: true }) groupBy?: CustomerGrowthGrouping,
  ) {
    return context.services.reports.customerGrowth(period, storeId, groupBy);
  }

  @Query(() => CustomerCompositionReport, {
    description: '客户构成: tier, gender, age band, source now; new and returning visitors in the period.',
  })
  customerCompositionReport(
    @Arg('period', () => ReportPeriodInput) period: ReportPeriodInput,
    @Ctx() context: AppContext,
    @Arg('storeId', () => ID, {
      nullable: true,
      description: 'Customers of this home store; visitors of this store.',
    })
    storeId?: string,
  ) {
    return context.services.reports.customerComposition(period, storeId);
  }

  @Query(() => CustomerActivityReport, { description: '客户活跃度 and 流失率 now.' })
  customerActivityReport(
    @Ctx() context: AppContext,
    @Arg('storeId', () => ID, { nullable: true, description: 'Customers of this home store only.' })
    storeId?: string,
  ) {
    return context.services.reports.customerActivity(storeId);
  }
}
