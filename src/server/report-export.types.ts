/**
 * What an exportable report is: a fixed GraphQL document, the query-string parameters that become its
 * variables, and the tables (CSV file, XLSX worksheet) its answer is flattened into. The export runs
 * the document through Apollo like any client (report-export.ts), so a report's policies, validation,
 * organization scoping, audit and rate limit are the GraphQL ones and nothing here repeats them.
 */

/** How a cell is written: CSV gets text, XLSX a typed cell with a number format. */
export type CellKind = 'text' | 'date' | 'integer' | 'decimal' | 'ratio' | 'money';

/** Money as the export documents select it. */
export interface MoneyValue {
  amount: string;
  currency: string;
}

export type CellValue = string | number | MoneyValue | null | undefined;
export type ExportRow = Record<string, CellValue>;

export interface ExportColumn {
  key: string;
  /** Chinese, for the people who open the file. */
  header: string;
  kind: CellKind;
  /**
   * A field the policies refuse to some roles while answering the rest (RfmCustomer.monetary for
   * MARKETING): a FORBIDDEN on it leaves this column out instead of refusing the export.
   */
  refusableField?: string;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor?: string | null;
}

/** A table whose rows are a connection: the export asks for page after page until the last one. */
export interface ExportPaging<Data> {
  /** The same report with `$after`, selecting only what the table's rows read. */
  document: string;
  pageInfo(data: Data): PageInfo;
  /** Variables the later pages must share with the first (RFM's asOf, so midnight cannot split it). */
  pinned?(data: Data): Record<string, unknown>;
}

export interface ExportTable<Data> {
  /** `?table=<key>` picks it for a CSV (default: the first table). */
  key: string;
  /** The worksheet's name (≤ 31 characters) and the CSV file name's suffix. */
  title: string;
  /** Fixed, or from the answer (a cohort table has a column pair per month). */
  columns: ExportColumn[] | ((data: Data) => ExportColumn[]);
  rows(data: Data): ExportRow[];
  paging?: ExportPaging<Data>;
}

/** A query-string parameter and where its value goes in the variables (`period.from`). */
export interface ExportParameter {
  name: string;
  variable: string[];
  /** Sent as an Int when it is written as one; anything else is sent as is and GraphQL refuses it. */
  integer?: boolean;
}

export interface ReportExport<Data = never> {
  /** The URL's name: /exports/reports/<name>.csv */
  name: string;
  /** Chinese, the file name's start. */
  title: string;
  document: string;
  parameters: ExportParameter[];
  tables: ExportTable<Data>[];
  /** The dates the file name carries (the period, or the date it is as of); none for "now" reports. */
  period(data: Data, variables: Record<string, unknown>): string[];
}

/** Any report's export, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry types its own answer
export type AnyReportExport = ReportExport<any>;

export const PERIOD_PARAMETERS: ExportParameter[] = [
  { name: 'from', variable: ['period', 'from'] },
  { name: 'to', variable: ['period', 'to'] },
  { name: 'grain', variable: ['period', 'grain'] },
];
export const STORE_PARAMETER: ExportParameter = { name: 'storeId', variable: ['storeId'] };

/** The local dates of a report period, and its 环比 / 同比 periods. */
export interface PeriodAnswer {
  from: string;
  to: string;
  timeZone: string;
  previous: { from: string; to: string };
  lastYear: { from: string; to: string };
}
export const PERIOD_SELECTION = 'period { from to timeZone previous { from to } lastYear { from to } }';
/** What the writers read of Money: the decimal string (CSV, and the XLSX number) and the currency (its format). */
export const MONEY_SELECTION = '{ amount currency }';

/** A table as a writer gets it: the columns this viewer is answered, and its rows as they arrive. */
export interface OutputTable {
  title: string;
  columns: ExportColumn[];
  rows: AsyncIterable<ExportRow>;
}
