import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { CellValue, ExportColumn, MoneyValue, OutputTable } from './report-export.types';

const NUMBER_FORMATS: Partial<Record<ExportColumn['kind'], string>> = {
  date: 'yyyy-mm-dd',
  integer: '0',
  decimal: '0.00',
  ratio: '0.00%',
};

/** ¥ for 人民币, else the ISO code before the amount. */
function moneyFormat(currency: string): string {
  const symbol = currency === 'CNY' ? '¥' : `${currency} `;
  return `"${symbol}"#,##0.00;-"${symbol}"#,##0.00`;
}

/** Excel has no time zone: a local date is written as that calendar day (midnight UTC). */
function dateOf(value: string): Date | string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : value;
}

function cellOf(column: ExportColumn, value: CellValue): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  if (column.kind === 'money') return Number((value as MoneyValue).amount);
  if (column.kind === 'date' && typeof value === 'string') return dateOf(value);
  return value as string | number;
}

/** Excel refuses sheet names over 31 characters or with []:*?/\ in them. */
function sheetName(title: string): string {
  return title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
}

/**
 * The tables as worksheets of one workbook, streamed (exceljs' WorkbookWriter writes the zip to the
 * response as rows are committed): Chinese header row in bold and frozen, money as numbers with a ¥
 * format, dates as dates, ratios as percentages.
 */
export async function writeXlsx(output: Writable, tables: OutputTable[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useStyles: true,
    useSharedStrings: false,
  });
  for (const table of tables) {
    const sheet = workbook.addWorksheet(sheetName(table.title), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((column) => ({
      key: column.key,
      width: Math.max(10, column.header.length * 2 + 2),
    }));
    const header = sheet.addRow(table.columns.map((column) => column.header));
    header.font = { bold: true };
    header.commit();
    for await (const row of table.rows) {
      // A client gone stops the export: no further page is asked for and nothing is buffered for nobody.
      if (output.destroyed) throw new Error('The client closed the connection during the export.');
      const written = sheet.addRow(table.columns.map((column) => cellOf(column, row[column.key])));
      table.columns.forEach((column, index) => {
        const value = row[column.key];
        const numFmt =
          column.kind === 'money' && value
            ? moneyFormat((value as MoneyValue).currency)
            : NUMBER_FORMATS[column.kind];
        if (numFmt) written.getCell(index + 1).numFmt = numFmt;
      });
      written.commit();
    }
    sheet.commit();
  }
  await workbook.commit();
}
