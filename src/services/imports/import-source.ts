import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { BadInputError, DomainError, FileTooLargeError } from '../../core/errors';
import { ImportEncoding, ImportFormat } from '../../entities/imports/imports.enums';
import { assertInflatesWithin } from './import-xlsx-bound';

/** A cell as read: text, or a date when the spreadsheet stored one (birthdays in XLSX). */
export type Cell = string | Date;

/**
 * Upload limit of an XLSX, below the general one (MAX_IMPORT_BYTES, 20 MiB): an XLSX is read whole in
 * memory (xlsxRows), 80 to 100 MB of heap per MiB of file. Measured on generated 16-column Chinese
 * archives: 10 MiB (110,000 rows, inline strings; 140,000, shared strings) peaked at 0.95 and 1.2 GB
 * RSS, 20 MiB at 1.6 and 1.9 GB.
 */
export const MAX_XLSX_BYTES = 10 * 1024 * 1024;

/** The refusal of an XLSX past MAX_XLSX_BYTES, at upload (withinXlsxLimit) and when read (xlsxRows). */
export function xlsxTooLarge(): FileTooLargeError {
  return new FileTooLargeError(
    MAX_XLSX_BYTES,
    `An XLSX file may hold at most ${MAX_XLSX_BYTES} bytes (10 MiB): save it as CSV (up to 20 MiB) or split it.`,
  );
}

/**
 * An XLSX upload's pieces, refused past MAX_XLSX_BYTES. The rest is read to its end and dropped
 * before the refusal: a consumer that stopped mid-way would destroy busboy's part stream, and the
 * form would never finish.
 */
export async function* withinXlsxLimit(pieces: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const piece of pieces) {
    bytes += piece.length;
    if (bytes <= MAX_XLSX_BYTES) yield piece;
  }
  if (bytes > MAX_XLSX_BYTES) throw xlsxTooLarge();
}

/** One row of the file, numbered as a spreadsheet shows it (the header row is 1). */
export interface SourceRow {
  rowNumber: number;
  cells: Cell[];
}

/**
 * The file's rows one by one, the header row first: a CSV streamed (a 100,000-row file is never
 * whole in memory), an XLSX read whole within MAX_XLSX_BYTES (xlsxRows). Rows whose cells are all
 * blank are left out but still counted, so row numbers stay those of the spreadsheet.
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

/**
 * An XLSX through exceljs's document reader, in memory. Its streaming reader wrote a sheet that comes
 * before the shared strings in the zip (as Excel saves) or a workbook with inline strings (as
 * exceljs's streaming writer saves) to a temp file in os.tmpdir(): the cells, health columns
 * included, in plaintext on disk. The document reader inflates each part whole and decodes it as
 * UTF-8 at once, so no Chinese character is split (the streaming reader's exceljs#2084). Only the
 * first sheet (the first tab) is read; date-formatted cells come out as Dates.
 */
async function* xlsxRows(input: Readable): AsyncGenerator<SourceRow> {
  // Not kept in this generator: the file's bytes are garbage once the workbook is built.
  const workbook = await loadedWorkbook(await wholeXlsx(input));
  const [sheet] = workbook.worksheets;
  if (!sheet) return;
  for (let rowNumber = 1; rowNumber <= sheet.rowCount; rowNumber++) {
    const row = sheet.findRow(rowNumber);
    const values = row && Array.isArray(row.values) ? row.values.slice(1) : [];
    if (values.length) yield { rowNumber, cells: Array.from(values, cellOf) };
  }
}

/**
 * The workbook of an XLSX's bytes, once they are known to inflate within MAX_XLSX_INFLATED_BYTES: a
 * zip bomb is refused before exceljs builds it in memory.
 */
async function loadedWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  try {
    await assertInflatesWithin(bytes);
    // exceljs types its input as an ArrayBuffer; JSZip, which reads it, takes a Node Buffer as well.
    return await new ExcelJS.Workbook().xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    // Only the client's bytes are read here: a broken zip or XML ("Bug : uncompressed data size
    // mismatch", a SAX error) is its mistake, never an internal error.
    const message = error instanceof Error ? error.message : String(error);
    throw new BadInputError('file', 'file', `The file could not be read as XLSX: ${message.slice(0, 200)}`);
  }
}

/** The stored XLSX as one buffer; one uploaded before its limit existed is refused, not loaded. */
async function wholeXlsx(input: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let bytes = 0;
  for await (const piece of input as AsyncIterable<Buffer>) {
    bytes += piece.length;
    if (bytes > MAX_XLSX_BYTES) throw xlsxTooLarge();
    pieces.push(piece);
  }
  return Buffer.concat(pieces);
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
