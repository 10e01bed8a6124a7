import type { ReportExport } from './report-export.types';

/**
 * 健康分布 export (体质, allergy categories, special conditions): the document is customerHealthReport,
 * so only the roles that read clinical data get it, and a cell the report suppresses (fewer than 5
 * customers, or one that could be computed back) is an empty count marked 已隐藏 in the file too.
 */

interface HealthCount {
  key: string;
  label: string;
  count: number | null;
  suppressed: boolean;
}

interface HealthAnswer {
  customerHealthReport: {
    byConstitution: HealthCount[];
    byAllergyCategory: HealthCount[];
    bySpecialCondition: HealthCount[];
    minCellCustomers: number;
  };
}

const COLUMNS = [
  { key: 'label', header: '项目', kind: 'text' as const },
  { key: 'count', header: '客户数', kind: 'integer' as const },
  { key: 'suppressed', header: '已隐藏(少于最小人数)', kind: 'text' as const },
];

const rowsOf = (counts: HealthCount[]) =>
  counts.map((row) => ({ label: row.label, count: row.count, suppressed: row.suppressed ? '是' : '' }));

export const healthAggregatesExport: ReportExport<HealthAnswer> = {
  name: 'healthAggregates',
  title: '健康分布',
  document: `query ExportHealthAggregates { customerHealthReport {
    byConstitution { key label count suppressed } byAllergyCategory { key label count suppressed }
    bySpecialCondition { key label count suppressed } minCellCustomers } }`,
  parameters: [],
  tables: [
    {
      key: 'constitution',
      title: '体质分布',
      columns: COLUMNS,
      rows: ({ customerHealthReport: report }) => rowsOf(report.byConstitution),
    },
    {
      key: 'allergyCategory',
      title: '过敏类别',
      columns: COLUMNS,
      rows: ({ customerHealthReport: report }) => rowsOf(report.byAllergyCategory),
    },
    {
      key: 'specialCondition',
      title: '特殊健康状况',
      columns: COLUMNS,
      rows: ({ customerHealthReport: report }) => rowsOf(report.bySpecialCondition),
    },
  ],
  period: () => [],
};
