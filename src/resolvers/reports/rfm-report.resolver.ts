import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { money } from '../../schema/money.type';
import { ReportPeriodInput } from '../../schema/reports/report-period.inputs';
import {
  RetentionCohortsReport,
  RfmReport,
  VisitFrequencyReport,
} from '../../schema/reports/rfm-report.type';
import type { AppContext } from '../context';

/** RFM, retention cohorts and the visit-frequency distribution (客户价值与留存). */
@Resolver()
export class RfmReportResolver {
  @Query(() => RfmReport, {
    description: 'RFM 客户价值: scores 1–5, the eight segments, and the scored customers page by page.',
  })
  async rfmReport(
    @Ctx() context: AppContext,
    @Arg('asOf', { nullable: true, description: 'YYYY-MM-DD, default today (local).' }) asOf?: string,
    @Arg('storeId', () => ID, { nullable: true, description: 'Settled visits of this store only.' })
    storeId?: string,
    @Arg('first', () => Int, { nullable: true, description: '0–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ) {
    const report = await context.services.reports.rfm({ asOf, storeId, first, after });
    const currency = (await context.loaders.organization()).currency;
    const { customers } = report;
    return {
      ...report,
      customers: {
        ...customers,
        edges: customers.edges.map((edge) => ({
          ...edge,
          node: { ...edge.node, monetary: money(edge.node.monetary, currency) },
        })),
      },
    };
  }

  @Mutation(() => Date, {
    description:
      'Asks for a new RFM snapshot (rfmReport without storeId reads the nightly one): computed within 10 minutes. Returns when it was asked.',
  })
  requestRfmSnapshot(@Ctx() context: AppContext) {
    return context.services.reports.requestRfmSnapshot();
  }

  @Query(() => RetentionCohortsReport, {
    description: '留存: customers by the month of their first visit, and the share back in each later month.',
  })
  retentionCohorts(
    @Arg('from', { description: 'YYYY-MM: the first cohort.' }) from: string,
    @Arg('to', { description: 'YYYY-MM: the last cohort (at most 36 months after from).' }) to: string,
    @Ctx() context: AppContext,
  ) {
    return context.services.reports.retentionCohorts(from, to);
  }

  @Query(() => VisitFrequencyReport, {
    description: '到店频次: the period’s visitors by their number of visits (1, 2, 3–5, 6–10, 11+).',
  })
  visitFrequencyReport(
    @Arg('period', () => ReportPeriodInput) period: ReportPeriodInput,
    @Ctx() context: AppContext,
    @Arg('storeId', () => ID, { nullable: true, description: 'Visits of this store only.' }) storeId?: string,
  ) {
    return context.services.reports.visitFrequency(period, storeId);
  }
}
