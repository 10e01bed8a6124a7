import type { EntityManager } from '@mikro-orm/postgresql';
import { CardProduct, Organization, Tag, User } from '../../entities';
import type { CustomerImport, ImportColumn } from '../../entities/imports/customer-import.entity';
import type { ImportProblem } from '../../entities/imports/customer-import-row.entity';
import {
  ImportDuplicateReason,
  ImportEncoding,
  ImportRowOutcome,
} from '../../entities/imports/imports.enums';
import { CardProductKind } from '../../entities/membership/membership.enums';
import { StaffRole } from '../../entities/staff/staff.enums';
import { BadInputError } from '../../core/errors';
import { ageOn, todayIn } from '../../core/time';
import { GUARDIAN_CONSENT_BELOW_AGE } from '../health/health-consent';
import { fileStream } from './import-file';
import { resolveColumns } from './import-headers';
import {
  checkRow,
  hasHealthData,
  type CustomerDraft,
  type ImportLookups,
  type PunchCardProduct,
} from './import-row';
import { readRows, type SourceRow } from './import-source';

/** Rows checked together: one statement finds the existing customers of the whole batch. */
export const BATCH_ROWS = 500;

/** What became of a row, the same way for the dry run and the real run. */
export interface ClassifiedRow {
  rowNumber: number;
  outcome: ImportRowOutcome;
  problems: ImportProblem[];
  duplicateReason?: ImportDuplicateReason;
  duplicateOfCustomerId?: string;
  duplicateOfRow?: number;
  healthSkipped: boolean;
  draft?: CustomerDraft;
}

export interface Scan {
  columns: ImportColumn[];
  lookups: ImportLookups;
  /** The organization's points validity (OPENING_BALANCE points expire like earned ones). */
  pointsValidityDays?: number;
  batches: AsyncGenerator<ClassifiedRow[]>;
}

/**
 * Reads the stored file and classifies its rows batch by batch: checked (import-row.ts), then a
 * duplicate of a row of this same file imported before, of an existing customer (phone, 会员卡号),
 * or of an earlier row of the file. `columns`: the dry run's (the real run's file is the same bytes).
 */
export async function scanImport(
  em: EntityManager,
  customerImport: CustomerImport,
  columnsOf: (headers: string[]) => ImportColumn[],
): Promise<Scan> {
  const organizationId = customerImport.organization.id;
  const options = customerImport.options ?? { mapping: [] };
  const encoding = options.encoding ?? customerImport.detectedEncoding ?? ImportEncoding.UTF8;
  const rows = readRows(fileStream(em, organizationId, customerImport.id), customerImport.format, encoding);
  const header = await rows.next();
  if (header.done) throw new BadInputError('file', 'file', 'The file has no rows, not even a header row.');
  const columns = columnsOf(header.value.cells.map((cell) => String(cell)));
  const organization = await em.findOneOrFail(Organization, { id: organizationId });
  const lookups = await loadLookups(em, todayIn(organization.timezone), options.punchCardProductId);
  const imported = await importedBefore(em, customerImport);
  const consent = Boolean(customerImport.healthConsent);
  const seen = { phones: new Map<string, number>(), cards: new Map<string, number>() };

  async function* batches(): AsyncGenerator<ClassifiedRow[]> {
    let batch: SourceRow[] = [];
    for await (const row of rows) {
      batch.push(row);
      if (batch.length >= BATCH_ROWS) {
        yield await classify(batch);
        batch = [];
      }
    }
    if (batch.length) yield await classify(batch);
  }

  async function classify(batch: SourceRow[]): Promise<ClassifiedRow[]> {
    const checked = batch.map((row) => checkRow(row, columns, lookups));
    const drafts = checked.flatMap((row) => (row.draft ? [row.draft] : []));
    const existing = await existingCustomers(em, organizationId, drafts);
    return checked.map(({ rowNumber, draft, problems }): ClassifiedRow => {
      if (!draft) return { rowNumber, outcome: ImportRowOutcome.ERROR, problems, healthSkipped: false };
      const duplicate = (reason: ImportDuplicateReason, of: { customerId?: string; row?: number }) => ({
        rowNumber,
        outcome: ImportRowOutcome.DUPLICATE,
        problems: [],
        duplicateReason: reason,
        duplicateOfCustomerId: of.customerId,
        duplicateOfRow: of.row,
        healthSkipped: false,
      });
      const before = imported.get(rowNumber);
      if (before) return duplicate(ImportDuplicateReason.SAME_FILE_ROW, { customerId: before });
      if (draft.phone && existing.phones.has(draft.phone))
        return duplicate(ImportDuplicateReason.PHONE, { customerId: existing.phones.get(draft.phone) });
      if (draft.externalId && existing.cards.has(draft.externalId))
        return duplicate(ImportDuplicateReason.CARD_NUMBER, {
          customerId: existing.cards.get(draft.externalId),
        });
      if (draft.phone && seen.phones.has(draft.phone))
        return duplicate(ImportDuplicateReason.PHONE, { row: seen.phones.get(draft.phone) });
      if (draft.externalId && seen.cards.has(draft.externalId))
        return duplicate(ImportDuplicateReason.CARD_NUMBER, { row: seen.cards.get(draft.externalId) });
      if (draft.phone) seen.phones.set(draft.phone, rowNumber);
      if (draft.externalId) seen.cards.set(draft.externalId, rowNumber);
      const minor =
        draft.birthday !== undefined && ageOn(draft.birthday, lookups.today) < GUARDIAN_CONSENT_BELOW_AGE;
      const healthSkipped = hasHealthData(draft) && (!consent || minor);
      if (healthSkipped) Object.assign(draft, { allergies: [], conditions: [] });
      return { rowNumber, outcome: ImportRowOutcome.OK, problems: [], healthSkipped, draft };
    });
  }

  return { columns, lookups, pointsValidityDays: organization.pointsValidityDays, batches: batches() };
}

/** The dry run's columns: the caller's mapping over the header dictionary. */
export function mappedColumns(customerImport: CustomerImport) {
  return (headers: string[]) => resolveColumns(headers, customerImport.options?.mapping ?? []);
}

async function loadLookups(
  em: EntityManager,
  today: string,
  punchCardProductId: string | undefined,
): Promise<ImportLookups> {
  const staff = await em.find(
    User,
    { active: true, role: { $in: [StaffRole.CONSULTANT, StaffRole.MANAGER, StaffRole.OWNER] } },
    { fields: ['id', 'displayName'] },
  );
  const consultants = new Map<string, string | null>();
  for (const user of staff)
    consultants.set(user.displayName, consultants.has(user.displayName) ? null : user.id);
  const products = await em.find(CardProduct, { kind: CardProductKind.PUNCH_CARD, active: true });
  const punchCards = new Map<string, PunchCardProduct>();
  for (const product of products) {
    const card = {
      id: product.id,
      name: product.name,
      validityDays: product.validityDays ?? undefined,
      startsOnFirstUse: product.startsOnFirstUse,
    };
    punchCards.set(product.code, card);
    if (!punchCards.has(product.name)) punchCards.set(product.name, card);
  }
  const defaultPunchCard = punchCardProductId
    ? [...punchCards.values()].find((card) => card.id === punchCardProductId)
    : undefined;
  if (punchCardProductId && !defaultPunchCard)
    throw new BadInputError(
      'punchCardProductId',
      'exists',
      'punchCardProductId must be an active punch-card product of your organization.',
    );
  const ruleTags = await em.find(Tag, { rule: { $ne: null } }, { fields: ['name'] });
  return { today, consultants, punchCards, defaultPunchCard, ruleTags: new Set(ruleTags.map((t) => t.name)) };
}

/** Rows of this same file (by SHA-256) that an earlier import turned into customers: row → customer. */
async function importedBefore(
  em: EntityManager,
  customerImport: CustomerImport,
): Promise<Map<number, string>> {
  const rows = await em.getConnection().execute<{ row_number: number; customer_id: string }[]>(
    `select row_number, customer_id from customer_import_row
       where organization_id = ? and file_sha256 = ? and customer_id is not null and customer_import_id <> ?`,
    [customerImport.organization.id, customerImport.sha256, customerImport.id],
    'all',
    em.getTransactionContext(),
  );
  return new Map(rows.map((row) => [row.row_number, row.customer_id]));
}

/** Existing customers (archived ones too: the phone stays theirs) with a batch's phones or 会员卡号. */
async function existingCustomers(em: EntityManager, organizationId: string, drafts: CustomerDraft[]) {
  const phones = drafts.flatMap((draft) => (draft.phone ? [draft.phone] : []));
  const cards = drafts.flatMap((draft) => (draft.externalId ? [draft.externalId] : []));
  const found = { phones: new Map<string, string>(), cards: new Map<string, string>() };
  if (!phones.length && !cards.length) return found;
  // JSON arrays: the query layer would expand a JS array into a list of values.
  const rows = await em
    .getConnection()
    .execute<{ id: string; phone: string | null; external_id: string | null }[]>(
      `select id, phone, external_id from customer where organization_id = ?
       and (phone in (select jsonb_array_elements_text(?::jsonb))
         or external_id in (select jsonb_array_elements_text(?::jsonb)))`,
      [organizationId, JSON.stringify(phones), JSON.stringify(cards)],
      'all',
      em.getTransactionContext(),
    );
  for (const row of rows) {
    if (row.phone) found.phones.set(row.phone, row.id);
    if (row.external_id) found.cards.set(row.external_id, row.id);
  }
  return found;
}
