import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { ImportEncoding, ImportFormat } from '../../entities/imports/imports.enums';
import { xlsxWorkbookReader } from './import-xlsx';

/** A cell as read: text, or a date when the spreadsheet stored one (birthdays in XLSX). */
export type Cell = string | Date;

/** One row of the file, numbered as a spreadsheet shows it (the header row is 1). */
export interface SourceRow {
  rowNumber: number;
  cells: Cell[];
}

/**
 * The file's rows one by one (streamed: a 100,000-row file is never whole in memory), the header
 * row first. Rows whose cells are all blank are left out but still counted, so row numbers stay
 * those of the spreadsheet.
 */
export async function* readRows(
  input: Readable,
  format: ImportFormat,
  encoding: ImportEncoding,
): AsyncGenerator<SourceRow> {
  const rows = format === ImportFormat.XLSX ? xlsxRows(input) : csvRows(input, encoding);
  for await (const row of rows) if (row.cells.some((cell) => cell !== '')) yield row;
}

async function* csvRows(input: Readable, encoding: ImportEncoding): AsyncGenerator<SourceRow> {
  // iconv-lite strips a UTF-8 BOM; csv-parse's `bom` catches one that survives (forced GB18030 on UTF-8).
  const decoded = input.pipe(iconv.decodeStream(encoding === ImportEncoding.UTF8 ? 'utf8' : 'gb18030'));
  const parser = decoded.pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true }));
  // A decoding error would otherwise stop the parser without an error: the rows would end early.
  decoded.on('error', (error) => parser.destroy(error));
  let rowNumber = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    rowNumber++;
    yield { rowNumber, cells: record.map((cell) => cell.trim()) };
  }
}

async function* xlsxRows(input: Readable): AsyncGenerator<SourceRow> {
  // styles: 'cache' lets exceljs turn date-formatted numbers into Dates; only the first sheet is read.
  const workbook = xlsxWorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  for await (const worksheet of workbook) {
    for await (const row of worksheet) {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      yield { rowNumber: row.number, cells: Array.from(values, cellOf) };
    }
    return;
  }
}

/** exceljs cell values (rich text, hyperlinks, formula results, numbers) as text or a date. */
function cellOf(value: ExcelJS.CellValue | undefined): Cell {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value)
      return value.richText
        .map((part) => part.text)
        .join('')
        .trim();
    if ('result' in value) return cellOf(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text).trim();
    if ('error' in value) return '';
  }
  return String(value).trim();
}

/**
 * Decides a CSV's encoding while it is uploaded: UTF-8 when its bytes are valid UTF-8 (a BOM
 * included), else GB18030 (GBK is a subset), which is what Chinese Excel writes.
 */
export class EncodingSniffer {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private valid = true;

  push(chunk: Buffer): void {
    if (!this.valid) return;
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      this.valid = false;
    }
  }

  result(): ImportEncoding {
    if (this.valid) {
      try {
        this.decoder.decode();
      } catch {
        this.valid = false;
      }
    }
    return this.valid ? ImportEncoding.UTF8 : ImportEncoding.GB18030;
  }
}
