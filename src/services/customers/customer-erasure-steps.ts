import type { EntityManager } from '@mikro-orm/postgresql';
import type { Customer } from '../../entities';
import { uuidArray } from '../../core/uuid';

/** What an erased free-text column that may not be empty says instead. */
export const ERASED_TEXT = '[已删除]';

/** The cancel reason of the appointments still to come when their customer is erased. */
const ERASED_APPOINTMENT_REASON = '客户档案已删除';

/**
 * The statements of an erasure, in the erasure's transaction, each scoped to the organization and the
 * customer. One statement per table, whatever the number of visits: what they hold goes, their money
 * and counts stay.
 */
const STATEMENTS: string[] = [
  // 健康档案: destroyed, not blanked.
  `delete from allergy where organization_id = ? and customer_id = ?`,
  `delete from medical_condition where organization_id = ? and customer_id = ?`,
  `delete from special_condition where organization_id = ? and customer_id = ?`,
  `delete from health_profile where organization_id = ? and customer_id = ?`,
  `delete from contact_consent where organization_id = ? and customer_id = ?`,
  `delete from customer_tag where organization_id = ? and customer_id = ?`,
  // Integrations' ids identify the person in another system.
  `delete from customer_external_id where organization_id = ? and customer_id = ?`,
  // Visits keep their lines, prices and settlement; what the customer said and felt goes.
  `update visit set feedback = null, suggestions = null, next_visit_intent = null, next_visit_on = null,
          condition_notes = null, updated_at = now()
    where organization_id = ? and customer_id = ?`,
  // Appointments still to come are cancelled (nobody will come under a pseudonym) and free their slot.
  `update appointment_item set blocking = false, updated_at = now()
    where organization_id = ? and appointment_id in (
      select id from appointment where organization_id = ? and customer_id = ? and status in ('BOOKED', 'CONFIRMED'))`,
  `update appointment
      set notes = null,
          status = case when status in ('BOOKED', 'CONFIRMED') then 'CANCELLED' else status end,
          cancelled_at = case when status in ('BOOKED', 'CONFIRMED') then now() else cancelled_at end,
          cancel_reason = case when status in ('BOOKED', 'CONFIRMED', 'CANCELLED') then '${ERASED_APPOINTMENT_REASON}' end,
          updated_at = now()
    where organization_id = ? and customer_id = ?`,
  `update communication_entry
      set summary = '${ERASED_TEXT}', follow_up_items = null,
          status = case when status = 'OPEN' then 'CANCELLED' else status end, updated_at = now()
    where organization_id = ? and customer_id = ?`,
  `update complaint
      set subject = '${ERASED_TEXT}', description = '${ERASED_TEXT}', handling_plan = null, result = null,
          updated_at = now()
    where organization_id = ? and customer_id = ?`,
  // A task's reason and dedupe key name dates and services of the customer; open ones are moot.
  `update care_task
      set reason = '${ERASED_TEXT}', outcome = null, dedupe_key = 'erased:' || id::text,
          status = case when status = 'OPEN' then 'CANCELLED' else status end,
          completed_at = coalesce(completed_at, now()), updated_at = now()
    where organization_id = ? and customer_id = ?`,
  // 档案查阅审批: who asked, when and for which sections stays; the free-text reasons may name the customer.
  `update health_access_request
      set reason = '${ERASED_TEXT}', decision_note = case when decision_note is not null then '${ERASED_TEXT}' end,
          updated_at = now()
    where organization_id = ? and customer_id = ?`,
];

/**
 * Removes everything personal about the customer outside the customer row: the history first (audit
 * fields and ledger notes that carry the erased values, through the one SECURITY DEFINER function that
 * may touch those append-only rows), then every table above.
 */
export async function eraseCustomerData(em: EntityManager, customer: Customer): Promise<void> {
  const connection = em.getConnection();
  const transaction = em.getTransactionContext();
  const organizationId = customer.organization.id;
  const related = customer.referrer ? [customer.referrer.id] : [];
  // Integrations' ids are identifying values too: their copies in the history go with the rest.
  const integrationIds = await connection.execute<{ external_id: string }[]>(
    `select external_id from customer_external_id where organization_id = ? and customer_id = ?`,
    [organizationId, customer.id],
    'all',
    transaction,
  );
  const values = [
    ...erasedValues(customer),
    ...integrationIds.map((row) => row.external_id).filter((value) => value.length >= 2),
  ];
  // Lists travel as json: the query layer would expand a JS array into a list of values.
  await connection.execute(
    `select erase_customer_history(?, ?, ?::uuid[],
       array(select jsonb_array_elements_text(?::jsonb)))`,
    [organizationId, customer.id, uuidArray(related), JSON.stringify(values)],
    'all',
    transaction,
  );
  for (const sql of STATEMENTS) {
    const params = sql.includes('appointment_id in')
      ? [organizationId, organizationId, customer.id]
      : [organizationId, customer.id];
    await connection.execute(sql, params, 'run', transaction);
  }
  await connection.execute(
    ERASE_IMPORT_FILES,
    [organizationId, customer.id, customer.id],
    'run',
    transaction,
  );
}

/**
 * An uploaded file (建档导入) keeps its bytes until its real run: one whose rows name the customer, or
 * one never read yet (it may hold them), loses its file and ends FAILED. A queued or running import is
 * left to finish (its real run deletes the file).
 */
const ERASE_IMPORT_FILES = `with erased as (
    update customer_import i
       set status = 'FAILED', error = 'The file was removed by a customer''s erasure: upload it again.',
           updated_at = now()
     where i.organization_id = ? and i.status in ('UPLOADED', 'DRY_RUN_DONE', 'CONFLICT', 'FAILED')
       and (i.status = 'UPLOADED'
            or exists (select 1 from customer_import_row r
                        where r.customer_import_id = i.id and (r.customer_id = ? or r.duplicate_of_customer_id = ?)))
    returning i.id, i.organization_id)
  delete from customer_import_chunk c using erased
   where c.customer_import_id = erased.id and c.organization_id = erased.organization_id`;

/**
 * The values whose every copy must go: the identifying ones, also as the 11 local digits of a Chinese
 * mobile (how staff type a phone into a note).
 */
export function erasedValues(customer: Customer): string[] {
  const values = [customer.name, customer.phone, customer.email, customer.externalId, customer.address];
  if (customer.phone?.startsWith('+86')) values.push(customer.phone.slice(3));
  return values.filter((value): value is string => typeof value === 'string' && value.length >= 2);
}

/** The customer row under its pseudonym: code, aggregates, tier and store stay, the person goes. */
export function pseudonymize(
  customer: Customer,
  pseudonym: { name: string; full: string; initials: string },
) {
  Object.assign(customer, {
    name: pseudonym.name,
    namePinyin: pseudonym.full,
    nameInitials: pseudonym.initials,
    gender: undefined,
    birthday: undefined,
    phone: undefined,
    phoneLast4: undefined,
    email: undefined,
    address: undefined,
    occupation: undefined,
    sourceNote: undefined,
    referrer: undefined,
    assignedConsultant: undefined,
    assignedTherapist: undefined,
    importantDates: [],
    preferences: {},
    notes: undefined,
    photoUrl: undefined,
    externalId: undefined,
    doNotContact: true,
    preferredChannel: undefined,
    marketingCapCount: undefined,
    marketingCapDays: undefined,
    healthConsentGivenAt: undefined,
    healthConsentSource: undefined,
    healthConsentGuardian: undefined,
    healthConsentWithdrawnAt: undefined,
    archivedAt: customer.archivedAt ?? new Date(),
  } satisfies Partial<Customer>);
}
