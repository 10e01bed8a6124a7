import { randomUUID } from 'node:crypto';
import type { EntityManager, RequiredEntityData } from '@mikro-orm/postgresql';
import {
  Account,
  Allergy,
  Customer,
  CustomerTag,
  HealthProfile,
  LedgerEntry,
  MedicalCondition,
  Tag,
} from '../../entities';
import type { CustomerImport } from '../../entities/imports/customer-import.entity';
import { AuditAction } from '../../entities/audit/audit.enums';
import { AllergyCategory, ClinicalStatus, VerificationStatus } from '../../entities/health/health.enums';
import { AccountKind, AccountStatus, LedgerEntryKind } from '../../entities/membership/membership.enums';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import type { CustomerDraft } from './import-row';
import { sealRows } from '../../core/crypto/sealed-columns';

const DAY = 86_400_000;
const OPENING_NOTE = '期初余额 (建档导入)';
/** What an imported health record says of where it came from. */
const IMPORTED_NOTE = '建档导入';

/** What one real run writes with: who acts, the import, and the tags known or created so far. */
export interface ImportWriter {
  em: EntityManager;
  viewer: Viewer;
  audit: AuditService;
  customerImport: CustomerImport;
  /** Tag name → id; new tags are added as they are created. */
  tags: Map<string, string>;
  pointsValidityDays?: number;
}

type Rows<T extends object> = RequiredEntityData<T>[];
type AuditRow = Parameters<AuditService['recordChangesInBulk']>[1][number];

/**
 * The rows of one batch of valid drafts, written with one INSERT per table (`insertMany`: plain
 * rows, no unit of work; as entities the unit of work cost ten times the database's time).
 */
class BatchRows {
  readonly tags: Rows<Tag> = [];
  readonly customers: Rows<Customer> = [];
  readonly profiles: Rows<HealthProfile> = [];
  readonly customerTags: Rows<CustomerTag> = [];
  readonly accounts: Rows<Account> = [];
  readonly entries: Rows<LedgerEntry> = [];
  readonly allergies: Rows<Allergy> = [];
  readonly conditions: Rows<MedicalCondition> = [];
  readonly audits: AuditRow[] = [];
}

/**
 * Writes one batch of valid rows and answers the new customers' ids in draft order. Each customer as
 * createCustomer makes one (code, search keys, an empty health profile, an audit row), with its tags,
 * its opening balances as OPENING_BALANCE entries whose operation id is the import's id, and, under
 * the import's health consent, its allergies and history (each audited, like every health write).
 * Opening balances open NEW accounts, so each entry's balances-after are its amounts and the
 * account's cached balance equals its entries (ledgerCheck): no balance is ever edited.
 */
export async function writeCustomers(
  writer: ImportWriter,
  drafts: { draft: CustomerDraft; code: string }[],
): Promise<string[]> {
  const rows = new BatchRows();
  const ids = drafts.map(({ draft, code }) => addCustomer(writer, rows, draft, code));
  const { em } = writer;
  // Health values are sealed at rest; insertMany skips the flush that seals entities.
  const organization = writer.viewer.organizationId;
  await sealRows(em, HealthProfile, organization, rows.profiles as Record<string, unknown>[]);
  await sealRows(em, Allergy, organization, rows.allergies as Record<string, unknown>[]);
  await sealRows(em, MedicalCondition, organization, rows.conditions as Record<string, unknown>[]);
  await em.insertMany(Tag, rows.tags);
  await em.insertMany(Customer, rows.customers);
  await em.insertMany(HealthProfile, rows.profiles);
  await em.insertMany(CustomerTag, rows.customerTags);
  await em.insertMany(Account, rows.accounts);
  await em.insertMany(LedgerEntry, rows.entries);
  await em.insertMany(Allergy, rows.allergies);
  await em.insertMany(MedicalCondition, rows.conditions);
  await writer.audit.recordChangesInBulk(em, rows.audits);
  return ids;
}

function addCustomer(writer: ImportWriter, rows: BatchRows, draft: CustomerDraft, code: string): string {
  const { viewer, customerImport } = writer;
  const organization = viewer.organizationId;
  const consent = customerImport.healthConsent;
  const health = Boolean(consent) && (draft.allergies.length > 0 || draft.conditions.length > 0);
  const id = randomUUID();
  rows.customers.push({
    id,
    organization,
    code,
    name: draft.name,
    namePinyin: draft.namePinyin,
    nameInitials: draft.nameInitials,
    gender: draft.gender,
    phone: draft.phone,
    phoneLast4: draft.phone?.slice(-4),
    birthday: draft.birthday,
    email: draft.email,
    address: draft.address,
    occupation: draft.occupation,
    source: draft.source,
    sourceNote: draft.sourceNote,
    externalId: draft.externalId,
    notes: draft.notes,
    assignedConsultant: draft.consultantId,
    importantDates: [],
    preferences: {},
    ...(health
      ? {
          healthConsentGivenAt: new Date(consent!.obtainedAt),
          // The source names the import, whose record says who recorded it, when and how it was obtained.
          healthConsentSource: `导入 ${consent!.method} ${customerImport.id}`,
        }
      : {}),
  });
  rows.profiles.push({
    id: randomUUID(),
    organization,
    customer: id,
    secondaryConstitutions: [],
    lifestyle: {},
    skinProfile: {},
    currentComplaints: [],
    wellnessGoals: [],
  });
  const fields = Object.entries(draft)
    .filter(([key, value]) => CUSTOMER_FIELDS.has(key) && value !== undefined && value !== '')
    .map(([key]) => (key === 'consultantId' ? 'assignedConsultant' : key));
  rows.audits.push(change(AuditAction.CREATE, 'Customer', id, id, [...fields, 'import']));
  for (const name of draft.tags) {
    let tag = writer.tags.get(name);
    if (!tag) {
      tag = randomUUID();
      rows.tags.push({ id: tag, organization, name });
      writer.tags.set(name, tag);
    }
    rows.customerTags.push({ organization, customer: id, tag });
  }
  addOpeningBalances(writer, rows, id, draft);
  if (health) {
    rows.audits.push(change(AuditAction.UPDATE, 'Customer', id, id, ['healthConsent.given']));
    const recorded = { organization, customer: id, recordedBy: viewer.userId, recordedAt: new Date() };
    for (const substance of draft.allergies) {
      const record = randomUUID();
      rows.allergies.push({
        ...recorded,
        id: record,
        substance,
        category: AllergyCategory.OTHER,
        clinicalStatus: ClinicalStatus.ACTIVE,
        verificationStatus: VerificationStatus.UNCONFIRMED,
        note: IMPORTED_NOTE,
      });
      rows.audits.push(change(AuditAction.CREATE, 'Allergy', record, id, ['substance', 'category']));
    }
    for (const condition of draft.conditions) {
      const record = randomUUID();
      rows.conditions.push({
        ...recorded,
        id: record,
        condition,
        status: ClinicalStatus.ACTIVE,
        note: IMPORTED_NOTE,
      });
      rows.audits.push(change(AuditAction.CREATE, 'MedicalCondition', record, id, ['condition']));
    }
  }
  return id;
}

function change(
  action: AuditAction,
  entityType: string,
  entityId: string,
  customerId: string,
  fields: string[],
) {
  return { action, entityType, entityId, customerId, fields };
}

const CUSTOMER_FIELDS = new Set([
  'name',
  'gender',
  'phone',
  'birthday',
  'email',
  'address',
  'occupation',
  'source',
  'sourceNote',
  'externalId',
  'notes',
  'consultantId',
]);

function addOpeningBalances(
  writer: ImportWriter,
  rows: BatchRows,
  customer: string,
  draft: CustomerDraft,
): void {
  const { viewer, customerImport } = writer;
  const now = Date.now();
  const open = (
    kind: AccountKind,
    amounts: { principal?: number; bonus?: number; units?: number },
    extra: { account?: Partial<RequiredEntityData<Account>>; expiresAt?: Date } = {},
  ) => {
    const account = randomUUID();
    const principal = amounts.principal ?? 0;
    const bonus = amounts.bonus ?? 0;
    const units = amounts.units ?? 0;
    rows.accounts.push({
      id: account,
      organization: viewer.organizationId,
      customer,
      kind,
      status: AccountStatus.ACTIVE,
      principal,
      bonus,
      units,
      startsOnFirstUse: false,
      ...extra.account,
    });
    rows.entries.push({
      id: randomUUID(),
      organization: viewer.organizationId,
      account,
      customer,
      kind: LedgerEntryKind.OPENING_BALANCE,
      principalDelta: principal,
      bonusDelta: bonus,
      unitsDelta: units,
      principalAfter: principal,
      bonusAfter: bonus,
      unitsAfter: units,
      operationId: customerImport.id,
      expiresAt: extra.expiresAt,
      note: OPENING_NOTE,
      recordedByUserId: viewer.userId,
      recordedByApiKeyId: viewer.apiKeyId,
    });
  };
  if (draft.storedValue > 0 || draft.storedValueBonus > 0)
    open(AccountKind.STORED_VALUE, { principal: draft.storedValue, bonus: draft.storedValueBonus });
  if (draft.points > 0)
    // Opening points lapse like points earned today would (the organization's validity).
    open(
      AccountKind.POINTS,
      { units: draft.points },
      { expiresAt: writer.pointsValidityDays ? new Date(now + writer.pointsValidityDays * DAY) : undefined },
    );
  const card = draft.punchCard;
  if (draft.punches > 0 && card)
    open(
      AccountKind.PUNCH_CARD,
      { units: draft.punches },
      {
        account: {
          cardProduct: card.id,
          startsOnFirstUse: card.startsOnFirstUse,
          validityDays: card.validityDays,
          validUntil:
            card.validityDays && !card.startsOnFirstUse ? new Date(now + card.validityDays * DAY) : undefined,
        },
      },
    );
}
