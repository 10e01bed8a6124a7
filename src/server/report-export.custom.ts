import {
  MONEY_SELECTION,
  PERIOD_PARAMETERS,
  PERIOD_SELECTION,
  type ExportColumn,
  type ExportRow,
  type MoneyValue,
  type PeriodAnswer,
  type ReportExport,
} from './report-export.types';

/**
 * 自定义报表 export: a saved report by its id (`?id=`), run for the period through
 * `customReport(id) { run(period) }`, which checks the definition again for the caller's role, so a
 * role that may not run it gets the GraphQL refusal and no file. The columns are the result's own; a
 * health aggregate's suppressed cells stay empty, and its rows say 已隐藏.
 */

interface CustomCell {
  key: string | null;
  label: string | null;
  count: number | null;
  money: MoneyValue | null;
  suppressed: boolean;
}

interface CustomAnswer {
  customReport: {
    name: string;
    run: {
      period: PeriodAnswer;
      columns: { key: string; label: string; kind: string; type: string }[];
      rows: { cells: CustomCell[]; suppressed: boolean }[];
      truncated: boolean;
      healthAggregate: boolean;
    };
  };
}

const SUPPRESSED_KEY = '__suppressed';

function columnsOf({ customReport: { run } }: CustomAnswer): ExportColumn[] {
  const columns = run.columns.map((column): ExportColumn => ({
    // Keys of the row objects below: position-based, a catalogue code may repeat as key and label.
    key: `c${run.columns.indexOf(column)}`,
    header: column.label,
    kind:
      column.type === 'MONEY'
        ? 'money'
        : column.type === 'COUNT'
          ? 'integer'
          : column.type === 'DATE'
            ? 'date'
            : 'text',
  }));
  return run.healthAggregate
    ? [...columns, { key: SUPPRESSED_KEY, header: '已隐藏(少于最小人数)', kind: 'text' }]
    : columns;
}

function rowsOf({ customReport: { run } }: CustomAnswer): ExportRow[] {
  return run.rows.map((row) => {
    const out: ExportRow = {};
    run.columns.forEach((column, index) => {
      const cell = row.cells[index];
      out[`c${index}`] =
        column.type === 'MONEY'
          ? cell.money
          : column.type === 'COUNT'
            ? cell.count
            : column.type === 'DATE'
              ? cell.key
              : (cell.label ?? cell.key);
    });
    if (run.healthAggregate) out[SUPPRESSED_KEY] = row.suppressed ? '是' : '';
    return out;
  });
}

export const customReportExport: ReportExport<CustomAnswer> = {
  name: 'customReport',
  title: '自定义报表',
  document: `query ExportCustomReport($id: ID!, $period: ReportPeriodInput!) {
    customReport(id: $id) { name run(period: $period) {
      ${PERIOD_SELECTION} columns { key label kind type }
      rows { cells { key label count money ${MONEY_SELECTION} suppressed } suppressed }
      truncated healthAggregate } } }`,
  parameters: [{ name: 'id', variable: ['id'] }, ...PERIOD_PARAMETERS],
  tables: [{ key: 'rows', title: '自定义报表', columns: columnsOf, rows: rowsOf }],
  period: ({ customReport: { run } }) => [run.period.from, run.period.to],
};
