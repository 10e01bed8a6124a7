import type { EntityManager } from '@mikro-orm/postgresql';
import { todayIn } from '../../core/time';
import { runPrepared } from '../sql';
import { inTransaction } from '../transaction';
import { RFM_SCORED_CTES, RFM_SEGMENTS, rfmScoredParams } from './rfm-scoring';

/** Which local date an organization's RFM snapshot is as of, and when it was computed. */
export interface RfmSnapshotRun {
  asOf: string;
  timeZone: string;
  computedAt: Date;
  customersWithoutVisits: number;
  scored: number;
}

interface RunRow {
  as_of: string;
  time_zone: string;
  computed_at: string | Date;
  customers_without_visits: number;
  scored: number;
}

/** The segment key of a class, in SQL (the keys segments filter on). */
const SEGMENT_KEY = `case rfm_class ${RFM_SEGMENTS.map(({ rfmClass, key }) => `when ${rfmClass} then '${key}'`).join(' ')} end`;

/** The organization's snapshot, or null before the first one. */
export async function rfmSnapshotRun(
  em: EntityManager,
  organizationId: string,
): Promise<RfmSnapshotRun | null> {
  const [row] = await runPrepared<RunRow>(
    em,
    `select to_char(r.as_of, 'YYYY-MM-DD') as as_of, r.time_zone, r.computed_at, r.customers_without_visits,
       (select count(*)::int from customer_rfm k where k.organization_id = r.organization_id) as scored
     from customer_rfm_run r where r.organization_id = ?`,
    [organizationId],
  );
  return row ? toRun(row) : null;
}

/**
 * Recomputes the organization's snapshot as of a local date (default today in its zone) in one
 * transaction: its rows go, the scored customers come back from the live report's CTEs (no store),
 * set-based; then each store's (refreshStoreSnapshots). Two refreshes of one organization at once queue on an advisory lock, so the second one
 * rewrites the first's rows rather than colliding with them.
 */
export async function refreshRfmSnapshot(
  em: EntityManager,
  organization: { organizationId: string; timeZone: string },
  asOf = todayIn(organization.timeZone),
): Promise<RfmSnapshotRun> {
  const { organizationId, timeZone } = organization;
  const scoring = { organizationId, storeId: null, asOf, timeZone };
  const run = await inTransaction(em, async (tx) => {
    await runPrepared(tx, `select pg_advisory_xact_lock(hashtextextended('customer_rfm:' || ?, 0))`, [
      organizationId,
    ]);
    await runPrepared(
      tx,
      `insert into customer_rfm_run as r (organization_id, as_of, time_zone, computed_at, customers_without_visits)
       values (?, ?::date, ?, now(), 0)
       on conflict (organization_id) do update set as_of = excluded.as_of, time_zone = excluded.time_zone,
         computed_at = excluded.computed_at`,
      [organizationId, asOf, timeZone],
    );
    await runPrepared(tx, `delete from customer_rfm where organization_id = ?`, [organizationId]);
    await runPrepared(
      tx,
      `with ${RFM_SCORED_CTES}
       insert into customer_rfm (organization_id, customer_id, last_visit_on, recency_days, frequency, monetary,
         r, f, m, score, rfm_class, segment)
       select ?, customer_id, last_visit_on::date, recency_days, frequency, monetary, r, f, m, score, rfm_class,
         ${SEGMENT_KEY}
       from classed`,
      [...rfmScoredParams(scoring), organizationId],
    );
    // The live customers the scoring left out (no settled visit up to asOf), as the live report counts them.
    await runPrepared(
      tx,
      `update customer_rfm_run set customers_without_visits = (select count(*)::int from customer c
         where c.organization_id = ? and c.archived_at is null
           and not exists (select 1 from customer_rfm k where k.organization_id = ? and k.customer_id = c.id))
       where organization_id = ?`,
      [organizationId, organizationId, organizationId],
    );
    await refreshStoreSnapshots(tx, scoring);
    return (await rfmSnapshotRun(tx, organizationId))!;
  });
  // Once committed: the tables' statistics, when this refresh wrote more rows than they say the tables
  // hold (an organization's first refresh), else the next reports are planned for near-empty tables
  // (Migration20261210010000_rfm_snapshot_analyze). Inside a caller's transaction ANALYZE's lock would
  // be held to its end: left to autovacuum. Statistics are an optimisation: the snapshot stands
  // whether or not they could be taken (a lock wait over 2 s, a missing grant).
  if (!em.isInTransaction())
    await runPrepared(em, `select rfm_snapshot_analyze(?)`, [run.scored]).catch(() => undefined);
  return run;
}

/**
 * Each store's snapshot, as of the organization's date: the scores of the customers over that store's
 * settled visits only (the live report's CTEs with the store), and the store's live customers (home
 * store) left unscored. Inside refreshRfmSnapshot's transaction and lock, after its run row.
 */
async function refreshStoreSnapshots(
  tx: EntityManager,
  scoring: { organizationId: string; asOf: string; timeZone: string },
): Promise<void> {
  const { organizationId } = scoring;
  await runPrepared(tx, `delete from customer_store_rfm_run where organization_id = ?`, [organizationId]);
  const stores = await runPrepared<{ id: string }>(
    tx,
    `select id from store where organization_id = ? order by id`,
    [organizationId],
  );
  for (const { id: storeId } of stores) {
    await runPrepared(
      tx,
      `insert into customer_store_rfm_run (organization_id, store_id, customers_without_visits) values (?, ?, 0)`,
      [organizationId, storeId],
    );
    await runPrepared(
      tx,
      `with ${RFM_SCORED_CTES}
       insert into customer_store_rfm (organization_id, store_id, customer_id, last_visit_on, recency_days,
         frequency, monetary, r, f, m, score, rfm_class, segment)
       select ?, ?, customer_id, last_visit_on::date, recency_days, frequency, monetary, r, f, m, score,
         rfm_class, ${SEGMENT_KEY}
       from classed`,
      [...rfmScoredParams({ ...scoring, storeId }), organizationId, storeId],
    );
    await runPrepared(
      tx,
      `update customer_store_rfm_run set customers_without_visits = (select count(*)::int from customer c
         where c.organization_id = ? and c.archived_at is null and c.home_store_id = ?
           and not exists (select 1 from customer_store_rfm k
             where k.organization_id = ? and k.store_id = ? and k.customer_id = c.id))
       where organization_id = ? and store_id = ?`,
      [organizationId, storeId, organizationId, storeId, organizationId, storeId],
    );
  }
}

function toRun(row: RunRow): RfmSnapshotRun {
  return {
    asOf: row.as_of,
    timeZone: row.time_zone,
    computedAt: new Date(row.computed_at),
    customersWithoutVisits: row.customers_without_visits,
    scored: row.scored,
  };
}

/**
 * Asks the rfm-snapshot job for a new snapshot (its next run, within 10 minutes). Returns when it was
 * asked; without a snapshot yet the job computes one anyway (and the next report without asOf would).
 */
export async function requestRfmSnapshot(em: EntityManager, organizationId: string): Promise<Date> {
  const [row] = await runPrepared<{ requested_at: string | Date }>(
    em,
    `with asked as (update customer_rfm_run set requested_at = now() where organization_id = ? returning requested_at)
     select coalesce((select requested_at from asked), now()) as requested_at`,
    [organizationId],
  );
  return new Date(row.requested_at);
}

/** The organization's snapshot, computed now if it has none yet (its first RFM report or filter). */
export async function ensureRfmSnapshot(
  em: EntityManager,
  organization: { organizationId: string; timeZone: string },
): Promise<RfmSnapshotRun> {
  return (
    (await rfmSnapshotRun(em, organization.organizationId)) ?? (await refreshRfmSnapshot(em, organization))
  );
}
