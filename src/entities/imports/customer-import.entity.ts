import { Entity, Enum, Index, OptionalProps, Property } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { HealthConsentMethod, ImportEncoding, ImportFormat, ImportMode, ImportStatus } from './imports.enums';
import type { ImportField } from './imports.enums';

/** One column of the file and what it fills (null: unknown, reported and not read). */
export interface ImportColumn {
  index: number;
  header: string;
  field: ImportField | null;
}

/** The options of a run; a real run must have the dry run's (compared by `optionsHash`). */
export interface ImportOptions {
  mapping: { column: string; field: ImportField }[];
  encoding?: ImportEncoding;
  punchCardProductId?: string;
  healthConsent?: { method: HealthConsentMethod; obtainedAt: string; note?: string };
}

/** The importer's record of the customers' health-data consent for the whole file (who, when, how). */
export interface ImportHealthConsent {
  recordedByUserId: string;
  recordedAt: string;
  obtainedAt: string;
  method: HealthConsentMethod;
  note?: string;
}

/** Counts of a run. On a dry run `created` and the balances say what the real run will write. */
export interface ImportSummary {
  totalRows: number;
  ok: number;
  errors: number;
  duplicates: number;
  healthSkipped: number;
  created: number;
  storedValue: number;
  storedValueBonus: number;
  points: number;
  punches: number;
  healthRecords: number;
  unknownColumns: string[];
}

/**
 * 建档导入: one uploaded customer file, its runs and their summary. The file's bytes are kept in
 * `customer_import_chunk` until the real run (its SHA-256 stays: re-importing the same file finds
 * the rows imported before).
 */
@Entity()
@Index({ name: 'customer_import_status_index', properties: ['status', 'updatedAt'] })
export class CustomerImport extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'status' | 'processedRows';

  @Property({ type: 'uuid' })
  uploadedByUserId!: string;

  @Property({ length: 255 })
  fileName!: string;

  @Enum({ items: () => ImportFormat, nativeEnumName: 'import_format' })
  format!: ImportFormat;

  @Property({ type: 'integer' })
  sizeBytes!: number;

  @Property({ length: 64 })
  sha256!: string;

  /** What the bytes of a CSV are (valid UTF-8 or a BOM: UTF8, else GB18030); null for XLSX. */
  @Enum({ items: () => ImportEncoding, nativeEnumName: 'import_encoding', nullable: true })
  detectedEncoding?: ImportEncoding;

  @Enum({ items: () => ImportStatus, nativeEnumName: 'import_status' })
  status: ImportStatus = ImportStatus.UPLOADED;

  @Enum({ items: () => ImportMode, nativeEnumName: 'import_mode', nullable: true })
  mode?: ImportMode;

  @Property({ type: 'json', nullable: true })
  options?: ImportOptions;

  /** SHA-256 of the options of the finished dry run: the real run must be given the same. */
  @Property({ length: 64, nullable: true })
  dryRunOptionsHash?: string;

  @Property({ type: 'json', nullable: true })
  columns?: ImportColumn[];

  @Property({ type: 'json', nullable: true })
  healthConsent?: ImportHealthConsent;

  @Property({ type: 'integer', nullable: true })
  totalRows?: number;

  @Property({ type: 'integer' })
  processedRows: number = 0;

  @Property({ type: 'json', nullable: true })
  summary?: ImportSummary;

  @Property({ type: 'json', nullable: true })
  dryRunSummary?: ImportSummary;

  /** Why the last run failed or refused (FAILED, CONFLICT). */
  @Property({ type: 'text', nullable: true })
  error?: string;

  /** Who started the last run: the job acts as them (audit rows, ledger entries). */
  @Property({ type: 'uuid', nullable: true })
  runByUserId?: string;

  @Property({ type: 'timestamptz', nullable: true })
  startedAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date;
}
