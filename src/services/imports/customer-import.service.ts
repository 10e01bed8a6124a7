import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerImport, CustomerImportRow } from '../../entities';
import type { ImportOptions } from '../../entities/imports/customer-import.entity';
import {
  ImportFormat,
  ImportMode,
  ImportStatus,
  type ImportRowOutcome,
} from '../../entities/imports/imports.enums';
import { AuditAction } from '../../entities/audit/audit.enums';
import { Role } from '../../entities/access/access.enums';
import type { StartCustomerImportInput } from '../../schema/imports/customer-import.inputs';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { isUuid } from '../../core/uuid';
import { decodeCursor, pageSize, toConnection } from '../../core/paging/cursor';
import type { AuditService } from '../audit/audit.service';
import { inTransaction } from '../transaction';
import { storeFile } from './import-file';
import { optionsHash, performImport } from './import-perform';

/**
 * Files up to this size run in the request that starts them (a dry run answers with its report);
 * larger ones are QUEUED for the `customer-import` job and polled with `customerImport(id)`.
 */
export const INLINE_IMPORT_BYTES = 512 * 1024;

/** An upload as the HTTP endpoint hands it over. */
/** Who brings an archive in: it creates customers and opening balances in bulk. */
export const IMPORTERS: readonly Role[] = [Role.OWNER, Role.MANAGER];

export interface ImportUpload {
  fileName: string;
  mimeType: string;
  content: AsyncIterable<Buffer>;
}

/** 建档导入: upload, dry run, real run, and the report. OWNER and MANAGER (assertImporter). */
export class CustomerImportService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  /**
   * The rule of who imports. The HTTP upload asks it before reading the form (a refused caller's
   * bytes are never stored); upload and start ask it again so no other way in skips it.
   */
  assertImporter(): void {
    if (!IMPORTERS.includes(this.viewer.role))
      throw new ForbiddenError('Only an OWNER or a MANAGER imports customers.');
  }

  /** Stores the file (in one transaction: a failed upload leaves nothing) and answers its import. */
  async upload(upload: ImportUpload): Promise<CustomerImport> {
    this.assertImporter();
    const userId = this.userId();
    if (upload.fileName.includes('\u0000'))
      throw new BadInputError(
        'file',
        'NUL_CHARACTER',
        'The file name holds a NUL character (\\u0000): rename the file.',
      );
    const format = formatOf(upload.fileName, upload.mimeType);
    return inTransaction(this.em, async (em) => {
      const customerImport = em.create(CustomerImport, {
        organization: this.viewer.organizationId,
        uploadedByUserId: userId,
        fileName: upload.fileName.slice(0, 255),
        format,
        sizeBytes: 0,
        sha256: '',
      });
      await em.flush();
      const stored = await storeFile(
        em,
        this.viewer.organizationId,
        customerImport.id,
        format,
        upload.content,
      );
      if (stored.sizeBytes === 0) throw new BadInputError('file', 'file', 'The file is empty.');
      Object.assign(customerImport, {
        sizeBytes: stored.sizeBytes,
        sha256: stored.sha256,
        detectedEncoding: stored.detectedEncoding,
      });
      this.audit.recordChange(em, AuditAction.CREATE, 'CustomerImport', customerImport.id, undefined, [
        'file',
      ]);
      return customerImport;
    });
  }

  /**
   * Starts a run. A dry run takes the options and reports; a real run must be given the options of the
   * finished dry run (compared by hash) and writes what it promised. Small files run here and now,
   * large ones are queued for the job.
   */
  async start(input: StartCustomerImportInput): Promise<CustomerImport> {
    this.assertImporter();
    const userId = this.userId();
    const customerImport = await this.find(input.importId);
    if ([ImportStatus.QUEUED, ImportStatus.RUNNING].includes(customerImport.status))
      throw new ConflictError('The import is running already: poll customerImport(id).', {
        reason: 'INVALID_STATE',
      });
    if (customerImport.status === ImportStatus.IMPORTED)
      throw new ConflictError('The import was imported already: upload the file again to re-run it.', {
        reason: 'INVALID_STATE',
      });
    const options = optionsOf(input);
    if (!input.dryRun && customerImport.dryRunOptionsHash !== optionsHash(options))
      throw new ConflictError(
        customerImport.dryRunOptionsHash
          ? 'These options are not those of the dry run: run a dry run with them first.'
          : 'The import has no finished dry run (or its last run failed): run startCustomerImport with dryRun: true first.',
        { reason: 'DRY_RUN_REQUIRED' },
      );
    if (options.healthConsent && new Date(options.healthConsent.obtainedAt) > new Date())
      throw new BadInputError(
        'healthConsent.obtainedAt',
        'future',
        'The consent cannot be obtained in the future.',
      );
    Object.assign(customerImport, {
      options,
      mode: input.dryRun ? ImportMode.DRY_RUN : ImportMode.IMPORT,
      runByUserId: userId,
      healthConsent: options.healthConsent
        ? { ...options.healthConsent, recordedByUserId: userId, recordedAt: new Date().toISOString() }
        : undefined,
    });
    const queued = customerImport.sizeBytes > INLINE_IMPORT_BYTES;
    await this.claim(customerImport, queued ? ImportStatus.QUEUED : ImportStatus.RUNNING);
    if (queued) {
      customerImport.processedRows = 0;
      await this.em.flush();
      return customerImport;
    }
    await performImport({ em: this.em, viewer: this.viewer, audit: this.audit }, customerImport);
    return customerImport;
  }

  /**
   * Moves the import out of the status it was read in, in one conditional UPDATE: of two starts at
   * once one runs and the other is refused (else the loser's CONFLICT would overwrite IMPORTED).
   */
  private async claim(customerImport: CustomerImport, status: ImportStatus): Promise<void> {
    const claimed = await this.em.nativeUpdate(
      CustomerImport,
      { id: customerImport.id, status: customerImport.status },
      { status },
    );
    if (claimed !== 1)
      throw new ConflictError('The import was started meanwhile: poll customerImport(id).', {
        reason: 'INVALID_STATE',
      });
    customerImport.status = status;
  }

  async find(id: string): Promise<CustomerImport> {
    const customerImport = isUuid(id) ? await this.em.findOne(CustomerImport, { id }) : null;
    if (!customerImport) throw new NotFoundError('CustomerImport', id);
    return customerImport;
  }

  /** The row report in file order, optionally of one outcome. */
  async rows(
    importId: string,
    first: number | undefined,
    after: string | undefined,
    outcome?: ImportRowOutcome,
  ) {
    const limit = pageSize(first, 50, 500);
    const from = after ? Number(decodeCursor(after).sortValue) : 0;
    if (!Number.isInteger(from))
      throw new BadInputError(
        'after',
        'cursor',
        'after is not a cursor returned by this list: pass an endCursor unchanged.',
      );
    const where = { customerImport: importId, ...(outcome ? { outcome } : {}) };
    const rows = await this.em.find(
      CustomerImportRow,
      { ...where, rowNumber: { $gt: from } },
      { orderBy: { rowNumber: 'asc' }, limit: limit + 1 },
    );
    return toConnection(
      rows,
      limit,
      after,
      (row) => row.rowNumber,
      () => this.em.count(CustomerImportRow, where),
    );
  }

  /** Imports act as a staff user: their audit rows and entries name who imported. */
  private userId(): string {
    if (!this.viewer.userId)
      throw new ForbiddenError('Imports are run by a staff member (OWNER or MANAGER).');
    return this.viewer.userId;
  }
}

function formatOf(fileName: string, mimeType: string): ImportFormat {
  if (/\.xlsx$/i.test(fileName) || mimeType.includes('spreadsheetml')) return ImportFormat.XLSX;
  if (/\.(csv|txt)$/i.test(fileName) || /csv|text\/plain/.test(mimeType)) return ImportFormat.CSV;
  throw new BadInputError(
    'file',
    'file',
    'The file must be .csv or .xlsx (old .xls: save it as .xlsx first).',
  );
}

function optionsOf(input: StartCustomerImportInput): ImportOptions {
  return {
    mapping: (input.mapping ?? []).map(({ column, field }) => ({ column: column.trim(), field })),
    encoding: input.encoding ?? undefined,
    punchCardProductId: input.punchCardProductId ?? undefined,
    healthConsent: input.healthConsent
      ? {
          method: input.healthConsent.method,
          obtainedAt: input.healthConsent.obtainedAt.toISOString(),
          note: input.healthConsent.note?.trim() || undefined,
        }
      : undefined,
  };
}
