import type { EntityManager } from '@mikro-orm/postgresql';
import { MergeSide } from '../../entities/customers/customer-merge.enums';
import type { MergeConflict } from './customer-merge-fields';

/** How many rows of one kind moved to the survivor. */
export interface MovedCount {
  kind: string;
  count: number;
}

/**
 * Tables whose rows simply change owner: the record of what happened with the customer. Health
 * records are among them (moved only by roles that write health, checked by the service). Ledger
 * entries, accounts and tier changes are history and stay; balances move by TRANSFER entries.
 */
const MOVED_TABLES: { kind: string; table: string; health?: boolean }[] = [
  { kind: 'visits', table: 'visit' },
  { kind: 'appointments', table: 'appointment' },
  { kind: 'settlements', table: 'settlement' },
  { kind: 'communications', table: 'communication_entry' },
  { kind: 'complaints', table: 'complaint' },
  { kind: 'careTasks', table: 'care_task' },
  // Ids of integrations (unique per integration, not per customer): the survivor answers to all of them.
  { kind: 'externalIds', table: 'customer_external_id' },
  { kind: 'allergies', table: 'allergy', health: true },
  { kind: 'medicalHistory', table: 'medical_condition', health: true },
  { kind: 'specialConditions', table: 'special_condition', health: true },
];

/** The kinds of MOVED_TABLES that are health data (the audit names them). */
export const HEALTH_KINDS = new Set(MOVED_TABLES.filter((moved) => moved.health).map((moved) => moved.kind));

/**
 * Moves every row that references the merged customer to the survivor, in the merge's transaction,
 * a constant number of statements whatever the history holds. Pairs that are unique per customer
 * (tag links, marketing consent per channel) are united: a consent both had keeps the later decision.
 */
export async function moveCustomerRows(
  em: EntityManager,
  organizationId: string,
  survivorId: string,
  mergedId: string,
): Promise<{ moved: MovedCount[]; conflicts: MergeConflict[] }> {
  const connection = em.getConnection();
  const context = em.getTransactionContext();
  const run = async (sql: string, params: unknown[]) =>
    (await connection.execute<{ affectedRows: number }>(sql, params, 'run', context)).affectedRows;
  const all = <R>(sql: string, params: unknown[]) => connection.execute<R[]>(sql, params, 'all', context);
  const ids = [survivorId, mergedId, organizationId];
  const moved: MovedCount[] = [];
  for (const { kind, table } of MOVED_TABLES) {
    const count = await run(
      `update "${table}" set customer_id = ? where customer_id = ? and organization_id = ?`,
      ids,
    );
    if (count > 0) moved.push({ kind, count });
  }
  const tags = await run(
    `insert into customer_tag (customer_id, tag_id, organization_id, created_at)
     select ?, tag_id, organization_id, created_at from customer_tag where customer_id = ? and organization_id = ?
     on conflict do nothing`,
    ids,
  );
  await run(`delete from customer_tag where customer_id = ? and organization_id = ?`, [
    mergedId,
    organizationId,
  ]);
  if (tags > 0) moved.push({ kind: 'tags', count: tags });

  const consentConflicts = await all<{ channel: string; merged_later: boolean }>(
    `select m.channel, m.recorded_at > s.recorded_at as merged_later
     from contact_consent m join contact_consent s on s.channel = m.channel and s.customer_id = ?
     where m.customer_id = ? and m.organization_id = ? and m.granted <> s.granted order by m.channel`,
    ids,
  );
  // The later decision is the customer's current wish on that channel.
  await run(
    `update contact_consent s set granted = m.granted, source = m.source, recorded_at = m.recorded_at,
       recorded_by_id = m.recorded_by_id, updated_at = now()
     from contact_consent m
     where s.customer_id = ? and m.customer_id = ? and m.organization_id = ? and m.channel = s.channel
       and m.recorded_at > s.recorded_at`,
    ids,
  );
  const consents = await run(
    `update contact_consent m set customer_id = ?, updated_at = now()
     where m.customer_id = ? and m.organization_id = ?
       and not exists (select 1 from contact_consent s where s.customer_id = ? and s.channel = m.channel)`,
    [...ids, survivorId],
  );
  await run(`delete from contact_consent where customer_id = ? and organization_id = ?`, [
    mergedId,
    organizationId,
  ]);
  if (consents > 0) moved.push({ kind: 'contactConsents', count: consents });

  // Customers the merged one referred, and duplicates merged into it earlier, now name the survivor.
  const referred = await run(
    `update customer set referrer_id = ?, version = version + 1, updated_at = now()
     where referrer_id = ? and organization_id = ? and id <> ?`,
    [...ids, survivorId],
  );
  if (referred > 0) moved.push({ kind: 'referredCustomers', count: referred });
  const earlier = await run(
    `update customer set merged_into_id = ?, version = version + 1, updated_at = now()
     where merged_into_id = ? and organization_id = ?`,
    ids,
  );
  if (earlier > 0) moved.push({ kind: 'earlierMerges', count: earlier });
  return {
    moved,
    conflicts: consentConflicts.map((row) => ({
      field: `contactConsent.${row.channel}`,
      kept: row.merged_later ? MergeSide.MERGED : MergeSide.SURVIVOR,
    })),
  };
}
