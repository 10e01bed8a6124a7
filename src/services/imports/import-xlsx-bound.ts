import JSZip from 'jszip';
import { BadInputError } from '../../core/errors';

/**
 * What an XLSX's parts may inflate to, all together. MAX_XLSX_BYTES bounds the compressed bytes only:
 * repetitive XML deflates up to a thousand-fold, so a 10 MiB zip can hold gigabytes of sheet, and
 * exceljs's document reader builds it all in memory. Measured (peak RSS of the load): generated
 * 16-column Chinese archives of 10 MiB inflate to 68 MiB (inline strings, 0.95 GB) and 86 MiB (shared
 * strings, 1.2 GB), so they pass with a third to spare; crafted sheets of 128 MiB from 0.6 to 6.6 MiB
 * of zip (one row of number cells repeated, inline-string cells) peaked at 1.0 and 1.2 GB. Not bounded
 * by it: dense sheets that deflate only 7 to 10-fold stay within both limits and reach 1.8 GB
 * (235,000 rows of number cells in 9.4 MiB, 100 MiB inflated; 4.2 million empty rows in 9.9 MiB).
 */
export const MAX_XLSX_INFLATED_BYTES = 128 * 1024 * 1024;

/**
 * Inflates every part of the XLSX once, counting the bytes that really come out (a part's declared
 * size is the file's word, not a fact), and refuses it as soon as the total passes `limit`. Nothing
 * inflated is kept: on a 10 MiB archive the pass took 1.7 s and under 100 MB RSS. A zip JSZip cannot
 * open rejects as JSZip does.
 */
export async function assertInflatesWithin(bytes: Buffer, limit = MAX_XLSX_INFLATED_BYTES): Promise<void> {
  const zip = await JSZip.loadAsync(bytes);
  const parts: JSZip.JSZipObject[] = [];
  zip.forEach((_, part) => {
    if (!part.dir) parts.push(part);
  });
  let inflated = 0;
  for (const part of parts) {
    inflated += await inflatedBytes(part, limit - inflated);
    if (inflated > limit) throw inflatesTooMuch(limit);
  }
}

/** One part's inflated bytes, or a number past `budget` once it has passed it (the rest not inflated). */
function inflatedBytes(part: JSZip.JSZipObject, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = part.nodeStream();
    let bytes = 0;
    const count = (piece: Buffer): void => {
      bytes += piece.length;
      if (bytes <= budget) return;
      // JSZip's streams have no public abort: a paused stream nobody reads fills its small buffer,
      // then pauses JSZip's inflater, which schedules no more work, and the whole chain is garbage.
      stream.removeListener('data', count);
      stream.pause();
      resolve(bytes);
    };
    stream.on('data', count);
    stream.on('error', reject);
    stream.on('end', () => resolve(bytes));
  });
}

function inflatesTooMuch(limit: number): BadInputError {
  const mebibytes = Math.round(limit / (1024 * 1024));
  return new BadInputError(
    'file',
    'file',
    `The workbook inflates to more than ${mebibytes} MiB: save it as CSV or split it.`,
  );
}
