import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { LiabilitiesReport, RevenueReport, ServiceRank } from '../../schema/reports/revenue-report.type';
import { ReportPeriodInput } from '../../schema/reports/report-period.inputs';
import type { AppContext } from '../context';
import { liabilitiesInMoney, rankingInMoney, revenueInMoney } from './report-money';

/** 消费分析: revenue two ways, the service ranking, and what is owed to customers. */
@Resolver()
export class RevenueReportResolver {
  @Query(() => RevenueReport, {
    description: '营业额: cash received and services consumed per bucket, 客单价, with 环比 and 同比.',
  })
  async revenueReport(
    @Arg('period', () => ReportPeriodInput) period: ReportPeriodInput,
    @Ctx() context: AppContext,
    @Arg('storeId', () => ID, {
      nullable: true,
      description: 'Sales posted at and visits of this store only.',
    })
    storeId?: string,
  ) {
    const report = await context.services.reports.revenue(period, storeId);
    return revenueInMoney(report, (await context.loaders.organization()).currency);
  }

  @Query(() => [ServiceRank], { description: '项目排行: the services given most in the period.' })
  async serviceRanking(
    @Arg('period', () => ReportPeriodInput) period: ReportPeriodInput,
    @Ctx() context: AppContext,
    @Arg('storeId', () => ID, { nullable: true, description: 'Visits of this store only.' }) storeId?: string,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
  ) {
    const rows = await context.services.reports.serviceRanking(period, storeId, first);
    return rankingInMoney(rows, (await context.loaders.organization()).currency);
  }

  @Query(() => LiabilitiesReport, { description: '储值负债 now: stored value, unused punches, points.' })
  async liabilitiesReport(@Ctx() context: AppContext) {
    const report = await context.services.reports.liabilities();
    return liabilitiesInMoney(report, (await context.loaders.organization()).currency);
  }
}
