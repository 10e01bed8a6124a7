import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConnectionShape } from '../../core/paging/connection';
import { decodeCursor, pageSize, toConnection } from '../../core/paging/cursor';
import { BadInputError } from '../../core/errors';
import { todayIn } from '../../core/time';
import { isUuid } from '../../core/uuid';
import { runPrepared } from '../sql';
import { addDays, daysInMonth } from './period';
import { REPORT_PLAN, type ReportScope } from './report-scope';
import {
  RFM_SCORED_CTES,
  RFM_SEGMENTS,
  RFM_WITHOUT_VISITS,
  rfmScoredParams,
  rfmWindowFrom,
} from './rfm-scoring';
import { refreshRfmSnapshot } from './rfm-snapshot';

export { RFM_SEGMENTS, RFM_WINDOW_DAYS } from './rfm-scoring';

export interface RfmCustomer {
  /** The customer's id: the node's id for its cursor. */
  id: string;
  name: string;
  lastVisitOn: string;
  recencyDays: number;
  frequency: number;
  /** 消耗 in 分 over the window, as revenue.ts counts it. */
  monetary: number;
  recencyScore: number;
  frequencyScore: number;
  monetaryScore: number;
  segment: string;
  segmentLabel: string;
}

export interface RfmReport {
  asOf: string;
  windowFrom: string;
  timeZone: string;
  /** When the snapshot read was computed; null: scored for this request (an asOf the snapshot is not as of). */
  computedAt: Date | null;
  customersScored: number;
  /** Live customers without a settled visit up to asOf: no score, in no segment. */
  customersWithoutVisits: number;
  segments: { key: string; label: string; count: number }[];
  customers: ConnectionShape<RfmCustomer>;
}

interface ReportRow {
  as_of: string;
  computed_at: string | Date | null;
  scored: number;
  /** Scored customers the list may name (all of them but for MARKETING). */
  listed: number | null;
  without_visits: number;
  segments: { rfm_class: number; count: number }[];
  page: {
    id: string;
    name: string;
    last_visit_on: string;
    recency_days: number;
    frequency: number;
    monetary: number;
    r: number;
    f: number;
    m: number;
    rfm_class: number;
  }[];
}

/**
 * Customers the list may name: with `?` true (MARKETING), not those who opted out, the audience rule
 * of CustomerQueryService: 勿扰, or consent withdrawn on every channel they were asked about (never
 * asked is not opted out). The scores and segment counts stay over every customer: aggregates.
 */
const LISTED = `(not ?::boolean or (not c.do_not_contact and (
    not exists (select 1 from contact_consent x where x.customer_id = c.id)
    or exists (select 1 from contact_consent x where x.customer_id = c.id and x.granted))))`;

/**
 * The page: `k` the scored rows (customer_id, score …), keyset on (score, customer_id) descending,
 * and how many the list may name: every scored row (archived customers are never scored: the
 * snapshot drops them as they are archived), but for MARKETING only those it may contact.
 */
const PAGE = (
  scored: string,
  hiding: boolean,
) => `(select coalesce(json_agg(p order by p.score desc, p.id desc), '[]'::json) from (
         select k.customer_id as id, c.name, k.last_visit_on, k.recency_days, k.frequency, k.monetary,
           k.r, k.f, k.m, k.rfm_class, k.score
         from ${scored} k join customer c on c.id = k.customer_id and c.organization_id = ? and c.archived_at is null
         where (?::int is null or (k.score, k.customer_id) < (?::int, ?::uuid)) and ${LISTED}
         order by k.score desc, k.customer_id desc
         limit ?) p) as page,
       ${
         hiding
           ? `(select count(*)::int from ${scored} k
         join customer c on c.id = k.customer_id and c.organization_id = ? and c.archived_at is null
         where ${LISTED})`
           : `null::int`
       } as listed`;

type PageValues = (scored: unknown[]) => unknown[];

const SEGMENT_COUNTS = (scored: string) =>
  `(select coalesce(json_agg(json_build_object('rfm_class', g.rfm_class, 'count', g.count)), '[]'::json)
         from (select rfm_class, count(*)::int as count from ${scored} group by rfm_class) g) as segments`;

/**
 * RFM as of a local date. The organization's answer (no store) is read from its snapshot
 * (customer_rfm, rfm-snapshot.ts, refreshed nightly by the rfm-snapshot job): asked without asOf,
 * whatever date the snapshot is as of (`asOf` and `computedAt` say which); asked for that date (an
 * export's later pages pin it), the same. The first ask without asOf computes it here once. A store,
 * or another date, is scored for the request with the same CTEs (rfm-scoring.ts): one statement, two
 * when a recent date is not the snapshot's. Customers without a visit are counted apart
 * (customersWithoutVisits), not scored 1-1-1: they would shift every quintile and the averages. The
 * page is ordered by R+F+M, then id, both descending.
 */
export async function rfmReport(
  em: EntityManager,
  scope: ReportScope,
  options: {
    asOf?: string | null;
    first?: number;
    after?: string | null;
    hideOptedOut?: boolean;
    /** Score now even where the snapshot would answer (what a reconciliation compares it with). */
    fresh?: boolean;
  },
): Promise<RfmReport> {
  const asked = options.asOf == null ? null : checkedAsOf(options.asOf);
  const limit = pageSize(options.first);
  const cursor = options.after ? rfmCursor(options.after) : null;
  const hideOptedOut = options.hideOptedOut ?? false;
  /** PAGE's values, after those of the scored rows' text (none for a CTE). */
  const page: PageValues = (scored) => [
    ...scored,
    scope.organizationId,
    cursor?.score ?? null,
    cursor?.score ?? null,
    cursor?.id ?? null,
    hideOptedOut,
    limit + 1,
    ...(hideOptedOut ? [...scored, scope.organizationId, hideOptedOut] : []),
  ];
  let row: ReportRow | undefined;
  // The nightly snapshot is as of today or yesterday: an older date is scored without asking it.
  const today = todayIn(scope.timeZone);
  const recent = asked === null || asked >= addDays(today, -1);
  if (!options.fresh && recent) {
    row = await fromSnapshot(em, scope, asked, page, hideOptedOut);
    if (!row && asked === null) {
      await refreshRfmSnapshot(em, scope);
      row = await fromSnapshot(em, scope, asked, page, hideOptedOut);
    }
  }
  row ??= await scoredNow(em, scope, asked ?? today, page, hideOptedOut);
  const segmentOf = (rfmClass: number) => RFM_SEGMENTS.find((segment) => segment.rfmClass === rfmClass)!;
  const nodes: (RfmCustomer & { score: number })[] = row.page.map((customer) => ({
    id: customer.id,
    name: customer.name,
    lastVisitOn: customer.last_visit_on,
    recencyDays: customer.recency_days,
    frequency: customer.frequency,
    monetary: Number(customer.monetary),
    recencyScore: customer.r,
    frequencyScore: customer.f,
    monetaryScore: customer.m,
    segment: segmentOf(customer.rfm_class).key,
    segmentLabel: segmentOf(customer.rfm_class).label,
    score: customer.r + customer.f + customer.m,
  }));
  return {
    asOf: row.as_of,
    windowFrom: rfmWindowFrom(row.as_of),
    timeZone: scope.timeZone,
    // The pool's parser gives timestamptz as text.
    computedAt: row.computed_at === null ? null : new Date(row.computed_at),
    customersScored: row.scored,
    customersWithoutVisits: row.without_visits,
    segments: RFM_SEGMENTS.map(({ key, label, rfmClass }) => ({
      key,
      label,
      count: row.segments.find((segment) => segment.rfm_class === rfmClass)?.count ?? 0,
    })),
    customers: toConnection(
      nodes,
      limit,
      options.after ?? undefined,
      (node) => node.score,
      // Without MARKETING's audience rule the list names every scored customer.
      () => Promise.resolve(row.listed ?? row.scored),
    ),
  };
}

/**
 * The snapshot's answer, if it is as of `asOf` (any date when null); undefined without one. With a
 * store, that store's snapshot (customer_store_rfm), written with the organization's and as of its
 * date. A store opened since the last refresh has none yet: asked without asOf, the organization's
 * snapshots are refreshed first (as on the first ask of all); asked for a date, it is scored live.
 */
async function fromSnapshot(
  em: EntityManager,
  scope: ReportScope,
  asOf: string | null,
  page: PageValues,
  hiding: boolean,
): Promise<ReportRow | undefined> {
  const { organizationId, storeId } = scope;
  const [table, rows, values] =
    storeId === null
      ? ['customer_rfm', 'organization_id = ?', [organizationId]]
      : ['customer_store_rfm', 'organization_id = ? and store_id = ?', [organizationId, storeId]];
  const snapshot = `(select customer_id, to_char(last_visit_on, 'YYYY-MM-DD') as last_visit_on, recency_days,
    frequency, monetary, r, f, m, score, rfm_class from ${table} where ${rows})`;
  const [row] = await runPrepared<ReportRow>(
    em,
    `select to_char(run.as_of, 'YYYY-MM-DD') as as_of, run.computed_at,
       ${storeId === null ? 'run.customers_without_visits' : 'store_run.customers_without_visits'} as without_visits,
       (select coalesce(json_agg(json_build_object('segment', g.segment, 'count', g.count)), '[]'::json)
         from (select segment, count(*)::int as count from ${table} where ${rows}
           group by segment) g) as segments,
       ${PAGE(snapshot, hiding)}
     from customer_rfm_run run
     ${storeId === null ? '' : 'join customer_store_rfm_run store_run on store_run.organization_id = run.organization_id and store_run.store_id = ?'}
     where run.organization_id = ? and (?::date is null or run.as_of = ?::date)`,
    [...values, ...page(values), ...(storeId === null ? [] : [storeId]), organizationId, asOf, asOf],
    REPORT_PLAN,
  );
  if (!row) return undefined;
  // Counted by segment key (an index-only scan of customer_rfm_segment_index); scored is their sum.
  const bySegment = row.segments as unknown as { segment: string; count: number }[];
  return {
    ...row,
    scored: bySegment.reduce((sum, { count }) => sum + count, 0),
    segments: bySegment.map(({ segment, count }) => ({
      rfm_class: RFM_SEGMENTS.find(({ key }) => key === segment)!.rfmClass,
      count,
    })),
  };
}

/** Scores the customers for this request (a store, or a date the snapshot is not as of). */
async function scoredNow(
  em: EntityManager,
  scope: ReportScope,
  asOf: string,
  page: PageValues,
  hiding: boolean,
): Promise<ReportRow> {
  const [row] = await runPrepared<ReportRow>(
    em,
    `with ${RFM_SCORED_CTES}
     select ?::text as as_of, null::timestamptz as computed_at, (select count(*)::int from classed) as scored,
       ${RFM_WITHOUT_VISITS} as without_visits, ${SEGMENT_COUNTS('classed')}, ${PAGE('classed', hiding)}`,
    [
      ...rfmScoredParams({ ...scope, asOf }),
      asOf,
      scope.organizationId,
      scope.storeId,
      scope.storeId,
      ...page([]),
    ],
    REPORT_PLAN,
  );
  return row;
}

function rfmCursor(after: string): { score: number; id: string } {
  const { sortValue, id } = decodeCursor(after);
  if (typeof sortValue !== 'number' || !Number.isInteger(sortValue) || !isUuid(id))
    throw new BadInputError(
      'after',
      'cursor',
      'after is not a cursor returned by this list: pass an endCursor unchanged.',
    );
  return { score: sortValue, id };
}

function checkedAsOf(text: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const [year, month, day] = match ? match.slice(1).map(Number) : [0, 0, 0];
  const valid = match && year >= 2000 && year <= 2100 && month >= 1 && month <= 12;
  if (!valid || day < 1 || day > daysInMonth(year, month))
    throw new BadInputError('asOf', 'format', 'asOf is not a YYYY-MM-DD date between 2000 and 2100.');
  return text;
}
