import {
  MONEY_SELECTION,
  PERIOD_PARAMETERS,
  PERIOD_SELECTION,
  STORE_PARAMETER,
  type ExportColumn,
  type MoneyValue,
  type PeriodAnswer,
  type ReportExport,
} from './report-export.types';

/** 消费分析 exports: revenue, the service ranking, liabilities (the RevenueReportResolver queries). */

interface Figures {
  cashReceived: MoneyValue;
  cardSales: MoneyValue;
  checkoutPayments: MoneyValue;
  servicesConsumed: MoneyValue;
  settlements: number;
  averageTicket: MoneyValue;
}
const FIGURES = ['cashReceived', 'cardSales', 'checkoutPayments', 'servicesConsumed', 'averageTicket']
  .map((name) => `${name} ${MONEY_SELECTION}`)
  .join(' ');

interface RevenueAnswer {
  revenueReport: {
    period: PeriodAnswer;
    buckets: (Figures & { from: string; to: string })[];
    total: Figures;
    previous: Figures;
    lastYear: Figures;
  };
}

const FIGURE_COLUMNS: ExportColumn[] = [
  { key: 'cashReceived', header: '收款', kind: 'money' },
  { key: 'cardSales', header: '售卡收款', kind: 'money' },
  { key: 'checkoutPayments', header: '结账收款', kind: 'money' },
  { key: 'servicesConsumed', header: '消耗', kind: 'money' },
  { key: 'settlements', header: '结算单数', kind: 'integer' },
  { key: 'averageTicket', header: '客单价', kind: 'money' },
];

export const revenueExport: ReportExport<RevenueAnswer> = {
  name: 'revenue',
  title: '营业额',
  document: `query ExportRevenue($period: ReportPeriodInput!, $storeId: ID) {
    revenueReport(period: $period, storeId: $storeId) {
      ${PERIOD_SELECTION} buckets { from to ${FIGURES} settlements }
      total { ${FIGURES} settlements } previous { ${FIGURES} settlements } lastYear { ${FIGURES} settlements } } }`,
  parameters: [...PERIOD_PARAMETERS, STORE_PARAMETER],
  tables: [
    {
      key: 'revenue',
      title: '营业额',
      columns: [
        { key: 'label', header: '区间', kind: 'text' },
        { key: 'from', header: '开始日期', kind: 'date' },
        { key: 'to', header: '结束日期', kind: 'date' },
        ...FIGURE_COLUMNS,
      ],
      // Every bucket, then the period's total and the two it is compared with, as rows of one table.
      rows: ({ revenueReport: report }) => [
        ...report.buckets.map((bucket) => ({ label: '明细', ...bucket })),
        { label: '合计', from: report.period.from, to: report.period.to, ...report.total },
        { label: '上期(环比)', ...report.period.previous, ...report.previous },
        { label: '去年同期(同比)', ...report.period.lastYear, ...report.lastYear },
      ],
    },
  ],
  period: ({ revenueReport: report }) => [report.period.from, report.period.to],
};

interface RankingAnswer {
  serviceRanking: { serviceId: string; name: string; count: number; revenue: MoneyValue }[];
}

export const serviceRankingExport: ReportExport<RankingAnswer> = {
  name: 'serviceRanking',
  title: '项目排行',
  document: `query ExportServiceRanking($period: ReportPeriodInput!, $storeId: ID, $first: Int) {
    serviceRanking(period: $period, storeId: $storeId, first: $first) {
      serviceId name count revenue ${MONEY_SELECTION} } }`,
  parameters: [...PERIOD_PARAMETERS, STORE_PARAMETER, { name: 'first', variable: ['first'], integer: true }],
  tables: [
    {
      key: 'ranking',
      title: '项目排行',
      columns: [
        { key: 'rank', header: '排名', kind: 'integer' },
        { key: 'name', header: '项目', kind: 'text' },
        { key: 'count', header: '次数', kind: 'integer' },
        { key: 'revenue', header: '金额(原价)', kind: 'money' },
      ],
      rows: ({ serviceRanking }) => serviceRanking.map((row, index) => ({ rank: index + 1, ...row })),
    },
  ],
  // The ranking answers no period: the file name takes the one asked for (GraphQL accepted it).
  period: (_data, variables) => {
    const period = variables.period as { from: string; to: string };
    return [period.from, period.to];
  },
};

interface LiabilitiesAnswer {
  liabilitiesReport: {
    storedValuePrincipal: MoneyValue;
    storedValueBonus: MoneyValue;
    unusedPunches: number;
    unusedPunchValue: MoneyValue;
    pointsOutstanding: number;
    pointsValue: MoneyValue;
    storedValueHolders: number;
  };
}

export const liabilitiesExport: ReportExport<LiabilitiesAnswer> = {
  name: 'liabilities',
  title: '储值负债',
  document: `query ExportLiabilities { liabilitiesReport {
    storedValuePrincipal ${MONEY_SELECTION} storedValueBonus ${MONEY_SELECTION} unusedPunches
    unusedPunchValue ${MONEY_SELECTION} pointsOutstanding pointsValue ${MONEY_SELECTION} storedValueHolders } }`,
  parameters: [],
  tables: [
    {
      key: 'liabilities',
      title: '储值负债',
      columns: [
        { key: 'storedValuePrincipal', header: '储值本金', kind: 'money' },
        { key: 'storedValueBonus', header: '储值赠送', kind: 'money' },
        { key: 'storedValueHolders', header: '有余额客户数', kind: 'integer' },
        { key: 'unusedPunches', header: '次卡剩余次数', kind: 'integer' },
        { key: 'unusedPunchValue', header: '次卡剩余价值', kind: 'money' },
        { key: 'pointsOutstanding', header: '积分余额', kind: 'integer' },
        { key: 'pointsValue', header: '积分价值', kind: 'money' },
      ],
      rows: ({ liabilitiesReport: report }) => [{ ...report }],
    },
  ],
  period: () => [],
};
