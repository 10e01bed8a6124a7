import { createHash } from 'node:crypto';
import type { CustomerImport, ImportOptions } from '../../entities/imports/customer-import.entity';
import { ImportMode, ImportStatus } from '../../entities/imports/imports.enums';
import { BadInputError, DomainError } from '../../core/errors';
import { dryRun, realRun, type ImportRun } from './import-run';

/** The options as one hash: a real run must be given exactly what its dry run was (key order aside). */
export function optionsHash(options: ImportOptions): string {
  const canonical = {
    mapping: [...options.mapping]
      .map(({ column, field }) => [column.trim(), field])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    encoding: options.encoding ?? null,
    punchCardProductId: options.punchCardProductId ?? null,
    healthConsent: options.healthConsent
      ? [options.healthConsent.method, options.healthConsent.obtainedAt, options.healthConsent.note ?? null]
      : null,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/**
 * Runs the import's pending run (its `mode`) to the end and records the outcome on it: DRY_RUN_DONE
 * or IMPORTED; CONFLICT when the real run found the data changed; FAILED when the file cannot be read.
 * A client's mistake is rethrown as the domain error it is; a reader's error (csv-parse, exceljs, the
 * zip inside an XLSX) becomes BAD_USER_INPUT `file`.
 */
export async function performImport(run: ImportRun, customerImport: CustomerImport): Promise<void> {
  const { em } = run;
  customerImport.status = ImportStatus.RUNNING;
  customerImport.startedAt = new Date();
  customerImport.finishedAt = undefined;
  customerImport.error = undefined;
  customerImport.processedRows = 0;
  await em.flush();
  try {
    if (customerImport.mode === ImportMode.DRY_RUN) {
      const summary = await dryRun(run, customerImport);
      Object.assign(customerImport, {
        status: ImportStatus.DRY_RUN_DONE,
        summary,
        dryRunSummary: summary,
        totalRows: summary.totalRows,
        processedRows: summary.totalRows,
        dryRunOptionsHash: optionsHash(customerImport.options ?? { mapping: [] }),
        finishedAt: new Date(),
      });
      await em.flush();
    } else {
      await realRun(run, customerImport);
      await em.refresh(customerImport);
    }
  } catch (error) {
    const known = error instanceof DomainError ? error : unreadable(error);
    if (!known) {
      customerImport.status = ImportStatus.FAILED;
      customerImport.error = 'The import stopped on an internal error; start it again.';
      customerImport.finishedAt = new Date();
      await em.flush();
      throw error;
    }
    customerImport.status = known.code === 'CONFLICT' ? ImportStatus.CONFLICT : ImportStatus.FAILED;
    customerImport.error = known.message;
    customerImport.finishedAt = new Date();
    // A dry run that could not finish promises nothing, nor one whose promise a real run found broken.
    customerImport.dryRunOptionsHash = undefined;
    await em.flush();
    throw known;
  }
}

/** Errors of the file readers: the bytes are not the CSV or XLSX they claim to be. */
function unreadable(error: unknown): BadInputError | undefined {
  const { code, name, message } = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
  const csv = typeof code === 'string' && code.startsWith('CSV_');
  const zip = typeof message === 'string' && /zip|central directory|signature|end of data/i.test(message);
  const decoding = name === 'TypeError' && typeof message === 'string' && /decode|encoding/i.test(message);
  if (!csv && !zip && !decoding) return undefined;
  return new BadInputError('file', 'file', `The file could not be read: ${String(message).slice(0, 200)}`);
}
