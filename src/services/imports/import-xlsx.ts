import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import ExcelJS from 'exceljs';

/** The two (untyped) steps of exceljs's streaming reader that read XML text. */
interface TextSteps {
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator;
  _parseSharedStrings(entry: Readable): AsyncGenerator;
}

const steps = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as TextSteps;

/**
 * exceljs 4.4's streaming reader turns each inflated piece of a sheet's XML into text on its own
 * (lib/utils/parse-sax.js): a Chinese character whose three UTF-8 bytes straddle two pieces comes out
 * as two U+FFFD, a row or so per thousand of a Chinese archive (女 garbled: the row is an ERROR; a
 * name, a tag or a note garbled: imported so). Upstream exceljs/exceljs#2084, open in 4.4.0. Its SAX
 * step passes text through as it is, so the sheets and the shared strings reach it as text decoded
 * here, a split character carried over to the next piece.
 */
class Utf8WorkbookReader extends ExcelJS.stream.xlsx.WorkbookReader implements TextSteps {
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator {
    return steps._parseWorksheet.call(this, utf8Text(iterator), sheetNo);
  }

  _parseSharedStrings(entry: Readable): AsyncGenerator {
    // A stream given an encoding emits strings, through a StringDecoder of its own.
    entry.setEncoding('utf8');
    return steps._parseSharedStrings.call(this, entry);
  }
}

async function* utf8Text(pieces: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const piece of pieces) {
    const text = typeof piece === 'string' ? piece : decoder.write(piece);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** exceljs's streaming XLSX reader, its text decoded across pieces (see Utf8WorkbookReader). */
export function xlsxWorkbookReader(
  input: Readable,
  options: Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>,
): ExcelJS.stream.xlsx.WorkbookReader {
  if (typeof steps._parseWorksheet !== 'function' || typeof steps._parseSharedStrings !== 'function')
    throw new Error('exceljs changed its streaming reader: review src/services/imports/import-xlsx.ts');
  return new Utf8WorkbookReader(input, options);
}
