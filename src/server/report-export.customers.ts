import {
  PERIOD_PARAMETERS,
  PERIOD_SELECTION,
  STORE_PARAMETER,
  type ExportRow,
  type PeriodAnswer,
  type ReportExport,
} from './report-export.types';

/** 客户分析 exports: growth, composition, activity (the CustomerReportResolver queries). */

interface CountPoint {
  from: string;
  to: string;
  count: number;
}
interface CountRow {
  key: string;
  label: string;
  count: number;
}

interface GrowthAnswer {
  customerGrowthReport: {
    period: PeriodAnswer;
    series: CountPoint[];
    total: number;
    previousTotal: number;
    lastYearTotal: number;
    groups: { key: string; label: string; total: number; series: CountPoint[] }[];
  };
}

const pointRow = (group: string, point: CountPoint): ExportRow => ({
  from: point.from,
  to: point.to,
  group,
  count: point.count,
});

export const growthExport: ReportExport<GrowthAnswer> = {
  name: 'growth',
  title: '客户增长',
  document: `query ExportCustomerGrowth($period: ReportPeriodInput!, $storeId: ID, $groupBy: CustomerGrowthGrouping) {
    customerGrowthReport(period: $period, storeId: $storeId, groupBy: $groupBy) {
      ${PERIOD_SELECTION} series { from to count } total previousTotal lastYearTotal
      groups { key label total series { from to count } } } }`,
  parameters: [...PERIOD_PARAMETERS, STORE_PARAMETER, { name: 'groupBy', variable: ['groupBy'] }],
  tables: [
    {
      key: 'series',
      title: '新客趋势',
      columns: [
        { key: 'from', header: '开始日期', kind: 'date' },
        { key: 'to', header: '结束日期', kind: 'date' },
        { key: 'group', header: '分组', kind: 'text' },
        { key: 'count', header: '新增客户数', kind: 'integer' },
      ],
      // The whole series first, then each group's (groupBy): one long table a pivot reads.
      rows: ({ customerGrowthReport: report }) => [
        ...report.series.map((point) => pointRow('全部', point)),
        ...report.groups.flatMap((group) => group.series.map((point) => pointRow(group.label, point))),
      ],
    },
    {
      key: 'totals',
      title: '合计与对比',
      columns: [
        { key: 'label', header: '区间', kind: 'text' },
        { key: 'from', header: '开始日期', kind: 'date' },
        { key: 'to', header: '结束日期', kind: 'date' },
        { key: 'count', header: '新增客户数', kind: 'integer' },
      ],
      rows: ({ customerGrowthReport: report }) => [
        { label: '本期', from: report.period.from, to: report.period.to, count: report.total },
        { label: '上期(环比)', ...report.period.previous, count: report.previousTotal },
        { label: '去年同期(同比)', ...report.period.lastYear, count: report.lastYearTotal },
      ],
    },
  ],
  period: ({ customerGrowthReport: report }) => [report.period.from, report.period.to],
};

interface CompositionAnswer {
  customerCompositionReport: {
    period: PeriodAnswer;
    total: number;
    byTier: CountRow[];
    byGender: CountRow[];
    byAgeBand: CountRow[];
    bySource: CountRow[];
    newVisitors: number;
    returningVisitors: number;
  };
}

export const compositionExport: ReportExport<CompositionAnswer> = {
  name: 'composition',
  title: '客户构成',
  document: `query ExportCustomerComposition($period: ReportPeriodInput!, $storeId: ID) {
    customerCompositionReport(period: $period, storeId: $storeId) {
      ${PERIOD_SELECTION} total byTier { key label count } byGender { key label count }
      byAgeBand { key label count } bySource { key label count } newVisitors returningVisitors } }`,
  parameters: [...PERIOD_PARAMETERS, STORE_PARAMETER],
  tables: [
    {
      key: 'composition',
      title: '客户构成',
      columns: [
        { key: 'dimension', header: '维度', kind: 'text' },
        { key: 'label', header: '项目', kind: 'text' },
        { key: 'count', header: '客户数', kind: 'integer' },
      ],
      rows: ({ customerCompositionReport: report }) => {
        const of = (dimension: string, rows: CountRow[]) =>
          rows.map((row) => ({ dimension, label: row.label, count: row.count }));
        return [
          { dimension: '全部', label: '在册客户', count: report.total },
          ...of('客户等级', report.byTier),
          ...of('性别', report.byGender),
          ...of('年龄段', report.byAgeBand),
          ...of('客户来源', report.bySource),
          { dimension: '本期到店', label: '新客', count: report.newVisitors },
          { dimension: '本期到店', label: '老客', count: report.returningVisitors },
        ];
      },
    },
  ],
  period: ({ customerCompositionReport: report }) => [report.period.from, report.period.to],
};

interface ActivityAnswer {
  customerActivityReport: { total: number; active: number; dormant: number; lost: number; churnRate: number };
}

export const activityExport: ReportExport<ActivityAnswer> = {
  name: 'activity',
  title: '客户活跃度',
  document: `query ExportCustomerActivity($storeId: ID) {
    customerActivityReport(storeId: $storeId) { total active dormant lost churnRate } }`,
  parameters: [STORE_PARAMETER],
  tables: [
    {
      key: 'activity',
      title: '客户活跃度',
      columns: [
        { key: 'total', header: '客户总数', kind: 'integer' },
        { key: 'active', header: '活跃', kind: 'integer' },
        { key: 'dormant', header: '沉睡', kind: 'integer' },
        { key: 'lost', header: '流失', kind: 'integer' },
        { key: 'churnRate', header: '流失率', kind: 'ratio' },
      ],
      rows: ({ customerActivityReport: report }) => [{ ...report }],
    },
  ],
  period: () => [],
};
