import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { money } from '../../schema/money.type';
import { ProductRank } from '../../schema/reports/product-ranking.type';
import { ReportPeriodInput } from '../../schema/reports/report-period.inputs';
import type { AppContext } from '../context';

/** 产品排行: products by the units used in visits. */
@Resolver()
export class ProductRankingResolver {
  @Query(() => [ProductRank], { description: '产品排行: the products used most in the period’s visits.' })
  async productRanking(
    @Arg('period', () => ReportPeriodInput) period: ReportPeriodInput,
    @Ctx() context: AppContext,
    @Arg('storeId', () => ID, { nullable: true, description: 'Visits of this store only.' }) storeId?: string,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
  ) {
    const rows = await context.services.customReports.productRanking(period, storeId, first);
    const { currency } = await context.loaders.organization();
    return rows.map((row) => ({ ...row, value: money(row.value, currency) }));
  }
}
