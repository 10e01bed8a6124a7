import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../entities/access/access.enums';
import { AuditAction } from '../../entities/audit/audit.enums';
import { BadInputError, ForbiddenError, NotFoundError } from '../../core/errors';
import { isUuid } from '../../core/uuid';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { runPrepared } from '../sql';
import { inTransaction } from '../transaction';
import { CUSTOMER_EXPORT_SQL, EXPORT_SECTIONS } from './customer-export.sql';
import { openRow } from '../../core/crypto/sealed-columns';
import { Allergy, HealthProfile, MedicalCondition, SpecialCondition, Visit } from '../../entities';

/** A customer's record: section name → a row or a list of rows, keys in camelCase. */
export type CustomerRecord = Record<string, unknown>;

export type ExportFormat = 'json' | 'xlsx';

/**
 * The health fields an export hands out, recorded as a health read like the GraphQL fields of the
 * same names (server/audit.middleware.ts), so the customer's audit shows the export as a read too.
 */
const HEALTH_FIELDS = [
  'allergies',
  'specialConditions',
  'medicalHistory',
  'constitution',
  'secondaryConstitutions',
  'lifestyle',
  'skinProfile',
  'currentComplaints',
  'wellnessGoals',
  'notes',
  'conditionNotes',
];

/**
 * 个人信息副本 (PIPL art. 45): the customer's complete record for the OWNER, who answers the
 * customer's request. One statement reads it; the export is an audit row (EXPORT, the sections and
 * the format, no values) and a health read, both written before the record is handed out.
 */
export class CustomerExportService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async export(customerId: string, format: ExportFormat): Promise<CustomerRecord> {
    // A PIPL request is answered by the owner; managers and keys never bulk out a whole record.
    if (this.viewer.role !== Role.OWNER)
      throw new ForbiddenError('Only the OWNER exports a customer\u2019s record (a PIPL request).');
    if (!isUuid(customerId))
      throw new BadInputError('id', 'uuid', 'id is not a customer id this API returned.');
    const [row] = await runPrepared<{ record: CustomerRecord }>(this.em, CUSTOMER_EXPORT_SQL, [
      this.viewer.organizationId,
      customerId,
    ]);
    openSealed(this.em, row.record as Record<string, unknown>);
    const record = camelCased(row.record) as CustomerRecord;
    if (!record.profile) throw new NotFoundError('Customer', customerId);
    await inTransaction(this.em, async (em) => {
      this.audit.recordChange(em, AuditAction.EXPORT, 'Customer', customerId, customerId, [
        ...EXPORT_SECTIONS,
        format,
      ]);
      await em.flush();
    });
    for (const field of HEALTH_FIELDS) this.audit.recordHealthRead(customerId, field);
    await this.audit.flushReads();
    return { exportedAt: new Date().toISOString(), ...record };
  }
}

/** snake_case keys (PostgreSQL's columns) to camelCase (the API's names), at every depth. */
export function camelCased(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCased);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key.replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase()),
      camelCased(inner),
    ]),
  );
}

/** The health values of the record, sealed at rest, opened (src/core/crypto/sealed-columns.ts). */
function openSealed(em: EntityManager, record: Record<string, unknown>): void {
  openRow(em, HealthProfile, record.healthProfile as Record<string, unknown> | null);
  const lists = {
    allergies: Allergy,
    medicalHistory: MedicalCondition,
    specialConditions: SpecialCondition,
    visits: Visit,
  };
  for (const [section, entity] of Object.entries(lists))
    for (const row of (record[section] as Record<string, unknown>[] | null) ?? []) openRow(em, entity, row);
}
