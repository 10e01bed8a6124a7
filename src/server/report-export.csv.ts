import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { CellValue, ExportColumn, MoneyValue, OutputTable } from './report-export.types';

/** Text a spreadsheet would run as a formula (CSV injection): a leading quote keeps it text. */
const FORMULA_START = /^[=+\-@\t\r]/;

function textOf(column: ExportColumn, value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (column.kind === 'money') return (value as MoneyValue).amount;
  if (typeof value === 'number') return String(value);
  const text = String(value);
  return column.kind === 'text' && FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * One table as CSV: UTF-8 with a byte order mark (without it Excel reads the Chinese as ANSI), CRLF
 * lines, the Chinese header row, money as decimal yuan. Rows are stringified as they arrive, so a
 * paged table is never held whole; `pipeline` destroys the response if a later page fails.
 */
export async function writeCsv(output: Writable, table: OutputTable): Promise<void> {
  const { columns } = table;
  async function* records() {
    for await (const row of table.rows) yield columns.map((column) => textOf(column, row[column.key]));
  }
  const stringifier = stringify({
    bom: true,
    header: true,
    record_delimiter: 'windows',
    columns: columns.map((column) => column.header),
  });
  await pipeline(Readable.from(records()), stringifier, output);
}
