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

/** RFM, retention cohorts and visit frequency exports (the RfmReportResolver queries). */

interface CountRow {
  key: string;
  label: string;
  count: number;
}

interface RfmCustomerPage {
  rfmReport: {
    asOf: string;
    customers: {
      edges: {
        node: {
          name: string;
          lastVisitOn: string;
          recencyDays: number;
          frequency: number;
          monetary: MoneyValue | null;
          recencyScore: number;
          frequencyScore: number;
          monetaryScore: number;
          segmentLabel: string;
        };
      }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };
}
interface RfmAnswer extends RfmCustomerPage {
  rfmReport: RfmCustomerPage['rfmReport'] & {
    customersScored: number;
    customersWithoutVisits: number;
    segments: CountRow[];
  };
}

/**
 * The export walks every page of the scored customers. Not rfmReport's largest page (100): the query
 * cost counts `first` and then the connection's default page again, and 100 rows of these fields
 * would cost more than MAX_QUERY_COST; 50 cost about 17,000.
 */
const RFM_PAGE = 50;
const CUSTOMER_SELECTION = `customers { edges { node { name lastVisitOn
  recencyDays frequency monetary ${MONEY_SELECTION} recencyScore frequencyScore monetaryScore segmentLabel } }
  pageInfo { hasNextPage endCursor } }`;

export const rfmExport: ReportExport<RfmAnswer> = {
  name: 'rfm',
  title: 'RFM客户价值',
  document: `query ExportRfm($asOf: String, $storeId: ID, $after: String) {
    rfmReport(asOf: $asOf, storeId: $storeId, first: ${RFM_PAGE}, after: $after) {
      asOf customersScored customersWithoutVisits segments { key label count } ${CUSTOMER_SELECTION} } }`,
  parameters: [{ name: 'asOf', variable: ['asOf'] }, STORE_PARAMETER],
  tables: [
    {
      key: 'customers',
      title: '客户评分',
      columns: [
        { key: 'name', header: '客户姓名', kind: 'text' },
        { key: 'lastVisitOn', header: '最近到店日期', kind: 'date' },
        { key: 'recencyDays', header: '距今天数(R)', kind: 'integer' },
        { key: 'frequency', header: '到店次数(F)', kind: 'integer' },
        { key: 'monetary', header: '消费金额(M)', kind: 'money', refusableField: 'monetary' },
        { key: 'recencyScore', header: 'R评分', kind: 'integer' },
        { key: 'frequencyScore', header: 'F评分', kind: 'integer' },
        { key: 'monetaryScore', header: 'M评分', kind: 'integer' },
        { key: 'segmentLabel', header: '客户分群', kind: 'text' },
      ],
      rows: ({ rfmReport }) => rfmReport.customers.edges.map(({ node }) => ({ ...node })),
      paging: {
        document: `query ExportRfmCustomers($asOf: String, $storeId: ID, $after: String) {
          rfmReport(asOf: $asOf, storeId: $storeId, first: ${RFM_PAGE}, after: $after) {
            asOf ${CUSTOMER_SELECTION} } }`,
        pageInfo: ({ rfmReport }) => rfmReport.customers.pageInfo,
        pinned: ({ rfmReport }) => ({ asOf: rfmReport.asOf }),
      },
    },
    {
      key: 'segments',
      title: '客户分群',
      columns: [
        { key: 'label', header: '分群', kind: 'text' },
        { key: 'count', header: '客户数', kind: 'integer' },
      ],
      rows: ({ rfmReport }) => [
        ...rfmReport.segments.map(({ label, count }) => ({ label, count })),
        { label: '已评分客户合计', count: rfmReport.customersScored },
        { label: '无结算到店(未评分)', count: rfmReport.customersWithoutVisits },
      ],
    },
  ],
  period: ({ rfmReport }) => [rfmReport.asOf],
};

interface CohortAnswer {
  retentionCohorts: {
    from: string;
    to: string;
    cohorts: {
      month: string;
      customers: number;
      retention: { monthsLater: number; customers: number; share: number }[];
    }[];
  };
}

export const cohortsExport: ReportExport<CohortAnswer> = {
  name: 'cohorts',
  title: '留存',
  document: `query ExportRetentionCohorts($from: String!, $to: String!) {
    retentionCohorts(from: $from, to: $to) {
      from to cohorts { month customers retention { monthsLater customers share } } } }`,
  parameters: [
    { name: 'from', variable: ['from'] },
    { name: 'to', variable: ['to'] },
  ],
  tables: [
    {
      key: 'cohorts',
      title: '留存',
      // The usual triangle: a row per first-visit month, a pair of columns per month after it.
      columns: ({ retentionCohorts: report }) => {
        const months = Math.max(0, ...report.cohorts.map((cohort) => cohort.retention.length));
        const later: ExportColumn[] = Array.from({ length: months }, (_, index) => [
          { key: `customers${index + 1}`, header: `第${index + 1}月回访人数`, kind: 'integer' as const },
          { key: `share${index + 1}`, header: `第${index + 1}月留存率`, kind: 'ratio' as const },
        ]).flat();
        return [
          { key: 'month', header: '首次到店月份', kind: 'text' },
          { key: 'customers', header: '客户数', kind: 'integer' },
          ...later,
        ];
      },
      rows: ({ retentionCohorts: report }) =>
        report.cohorts.map((cohort) => ({
          month: cohort.month,
          customers: cohort.customers,
          ...Object.fromEntries(
            cohort.retention.flatMap((point) => [
              [`customers${point.monthsLater}`, point.customers],
              [`share${point.monthsLater}`, point.share],
            ]),
          ),
        })),
    },
  ],
  period: ({ retentionCohorts: report }) => [report.from, report.to],
};

interface FrequencyAnswer {
  visitFrequencyReport: { period: PeriodAnswer; visitors: number; visits: number; bands: CountRow[] };
}

export const visitFrequencyExport: ReportExport<FrequencyAnswer> = {
  name: 'visitFrequency',
  title: '到店频次',
  document: `query ExportVisitFrequency($period: ReportPeriodInput!, $storeId: ID) {
    visitFrequencyReport(period: $period, storeId: $storeId) {
      ${PERIOD_SELECTION} visitors visits bands { key label count } } }`,
  parameters: [...PERIOD_PARAMETERS, STORE_PARAMETER],
  tables: [
    {
      key: 'bands',
      title: '到店频次',
      columns: [
        { key: 'label', header: '到店次数', kind: 'text' },
        { key: 'count', header: '客户数', kind: 'integer' },
      ],
      rows: ({ visitFrequencyReport: report }) => [
        ...report.bands.map(({ label, count }) => ({ label, count })),
        { label: '合计', count: report.visitors },
      ],
    },
  ],
  period: ({ visitFrequencyReport: report }) => [report.period.from, report.period.to],
};
