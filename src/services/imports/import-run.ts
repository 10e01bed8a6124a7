import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerImport, CustomerImportRow, Tag } from '../../entities';
import type { ImportSummary } from '../../entities/imports/customer-import.entity';
import { ImportRowOutcome, ImportStatus } from '../../entities/imports/imports.enums';
import { ConflictError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { inTransaction } from '../transaction';
import { deleteFile } from './import-file';
import { unknownColumns } from './import-headers';
import { mappedColumns, scanImport, type ClassifiedRow } from './import-scan';
import { writeCustomers, type ImportWriter } from './import-write';

/** Who runs an import and how its progress is told (the job writes it where a query sees it). */
export interface ImportRun {
  em: EntityManager;
  viewer: Viewer;
  audit: AuditService;
  progress?: (processedRows: number) => Promise<void>;
}

/** Rows named in an IMPORT_CHANGED conflict: enough to see what changed, never the whole file. */
const MAX_CHANGED_ROWS = 20;

function emptySummary(unknown: string[]): ImportSummary {
  return {
    totalRows: 0,
    ok: 0,
    errors: 0,
    duplicates: 0,
    healthSkipped: 0,
    created: 0,
    storedValue: 0,
    storedValueBonus: 0,
    points: 0,
    punches: 0,
    healthRecords: 0,
    unknownColumns: unknown,
  };
}

function count(summary: ImportSummary, row: ClassifiedRow): void {
  summary.totalRows++;
  if (row.outcome === ImportRowOutcome.ERROR) summary.errors++;
  if (row.outcome === ImportRowOutcome.DUPLICATE) summary.duplicates++;
  if (row.healthSkipped) summary.healthSkipped++;
  if (row.outcome !== ImportRowOutcome.OK || !row.draft) return;
  const draft = row.draft;
  summary.ok++;
  summary.created++;
  summary.storedValue += draft.storedValue;
  summary.storedValueBonus += draft.storedValueBonus;
  summary.points += draft.points;
  summary.punches += draft.punchCard ? draft.punches : 0;
  summary.healthRecords += draft.allergies.length + draft.conditions.length;
}

/**
 * The dry run: every row checked and classified, the report stored (replacing an earlier dry run's),
 * nothing else written. Each batch's report is one INSERT of its own, so progress is visible while it
 * runs; a dry run that fails is FAILED and promises nothing, whatever rows it stored.
 */
export async function dryRun(run: ImportRun, customerImport: CustomerImport): Promise<ImportSummary> {
  const { em } = run;
  await em.nativeDelete(CustomerImportRow, { customerImport: customerImport.id });
  const scan = await scanImport(em, customerImport, mappedColumns(customerImport));
  const summary = emptySummary(unknownColumns(scan.columns));
  for await (const batch of scan.batches) {
    batch.forEach((row) => count(summary, row));
    await em.insertMany(
      CustomerImportRow,
      batch.map((row) => ({
        id: randomUUID(),
        organization: customerImport.organization.id,
        customerImport: customerImport.id,
        rowNumber: row.rowNumber,
        fileSha256: customerImport.sha256,
        outcome: row.outcome,
        problems: row.problems,
        duplicateReason: row.duplicateReason,
        duplicateOfCustomerId: row.duplicateOfCustomerId,
        duplicateOfRow: row.duplicateOfRow,
        healthSkipped: row.healthSkipped,
      })),
    );
    await run.progress?.(summary.totalRows);
  }
  customerImport.columns = scan.columns;
  return summary;
}

/**
 * The real run, in one transaction: the same scan, each row compared with the dry run's report. Any
 * row that would now do otherwise (a customer with its phone created meanwhile, a consultant gone)
 * refuses the whole run, CONFLICT IMPORT_CHANGED, nothing written. Runs of the same file take turns
 * (an advisory lock on organization + file hash), so the second sees the first's customers.
 */
export async function realRun(run: ImportRun, customerImport: CustomerImport): Promise<ImportSummary> {
  const organizationId = customerImport.organization.id;
  return inTransaction(run.em, async (em) => {
    await em
      .getConnection()
      .execute(
        'select pg_advisory_xact_lock(hashtextextended(?, 0))',
        [`customer-import:${organizationId}:${customerImport.sha256}`],
        'all',
        em.getTransactionContext(),
      );
    const columns = customerImport.columns ?? [];
    const scan = await scanImport(em, customerImport, () => columns);
    const summary = emptySummary(unknownColumns(columns));
    const tags = await em.find(Tag, {}, { fields: ['id', 'name'] });
    const writer: ImportWriter = {
      em,
      viewer: run.viewer,
      audit: run.audit,
      customerImport,
      tags: new Map(tags.map((tag) => [tag.name, tag.id])),
      pointsValidityDays: scan.pointsValidityDays,
    };
    const changed: number[] = [];
    for await (const batch of scan.batches) {
      changed.push(...(await changedSinceDryRun(em, customerImport.id, batch)));
      if (changed.length >= MAX_CHANGED_ROWS) break;
      if (changed.length) continue;
      const ok = batch.filter((row) => row.outcome === ImportRowOutcome.OK && row.draft);
      const codes = await nextCustomerCodes(em, organizationId, ok.length);
      const ids = await writeCustomers(
        writer,
        ok.map((row, index) => ({ draft: row.draft!, code: codes[index] })),
      );
      batch.forEach((row) => count(summary, row));
      await markCreated(
        em,
        customerImport.id,
        ok.map((row, index) => ({ rowNumber: row.rowNumber, customerId: ids[index] })),
      );
      await run.progress?.(summary.totalRows);
    }
    if (changed.length)
      throw new ConflictError(
        `Rows ${changed.slice(0, MAX_CHANGED_ROWS).join(', ')} no longer do what the dry run said (the data changed since): nothing was imported; run the dry run again.`,
        { reason: 'IMPORT_CHANGED', rows: changed.slice(0, MAX_CHANGED_ROWS) },
      );
    await deleteFile(em, organizationId, customerImport.id);
    await em.nativeUpdate(
      CustomerImport,
      { id: customerImport.id },
      { status: ImportStatus.IMPORTED, summary, processedRows: summary.totalRows, finishedAt: new Date() },
    );
    return summary;
  });
}

/** Row numbers of a batch whose outcome differs from the dry run's report. */
async function changedSinceDryRun(
  em: EntityManager,
  importId: string,
  batch: ClassifiedRow[],
): Promise<number[]> {
  const reported = await em.find(
    CustomerImportRow,
    {
      customerImport: importId,
      rowNumber: { $gte: batch[0].rowNumber, $lte: batch[batch.length - 1].rowNumber },
    },
    {
      fields: [
        'rowNumber',
        'outcome',
        'duplicateReason',
        'duplicateOfCustomerId',
        'duplicateOfRow',
        'healthSkipped',
      ],
    },
  );
  const byRow = new Map(reported.map((row) => [row.rowNumber, row]));
  return batch
    .filter((row) => {
      const promised = byRow.get(row.rowNumber);
      return (
        !promised ||
        promised.outcome !== row.outcome ||
        (promised.duplicateReason ?? undefined) !== row.duplicateReason ||
        (promised.duplicateOfCustomerId ?? undefined) !== row.duplicateOfCustomerId ||
        (promised.duplicateOfRow ?? undefined) !== row.duplicateOfRow ||
        promised.healthSkipped !== row.healthSkipped
      );
    })
    .map((row) => row.rowNumber);
}

/** Customer codes for a batch from the organization's counter, in one statement. */
async function nextCustomerCodes(
  em: EntityManager,
  organizationId: string,
  count: number,
): Promise<string[]> {
  if (count === 0) return [];
  const [row] = await em
    .getConnection()
    .execute<{ last: number }[]>(
      'update organization set last_customer_number = last_customer_number + ? where id = ? returning last_customer_number as last',
      [count, organizationId],
      'all',
      em.getTransactionContext(),
    );
  const first = Number(row.last) - count + 1;
  return Array.from({ length: count }, (_, index) => `C${String(first + index).padStart(6, '0')}`);
}

/** The report of each created row names its customer (and claims the file row, see the unique index). */
async function markCreated(
  em: EntityManager,
  importId: string,
  created: { rowNumber: number; customerId: string }[],
): Promise<void> {
  if (!created.length) return;
  await em.getConnection().execute(
    `update customer_import_row r set customer_id = v.customer_id::uuid
     from jsonb_to_recordset(?::jsonb) as v(row_number int, customer_id text)
     where r.customer_import_id = ? and r.row_number = v.row_number`,
    [
      JSON.stringify(created.map((row) => ({ row_number: row.rowNumber, customer_id: row.customerId }))),
      importId,
    ],
    'run',
    em.getTransactionContext(),
  );
}
