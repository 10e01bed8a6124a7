import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConnectionShape } from '../../core/paging/connection';
import { decodeCursor, pageSize, toConnection } from '../../core/paging/cursor';
import { BadInputError } from '../../core/errors';
import { todayIn } from '../../core/time';
import { isUuid } from '../../core/uuid';
import { runPrepared } from '../sql';
import { addDays, daysInMonth, instantsOf } from './period';
import { REPORT_PLAN, type ReportScope } from './report-scope';

/**
 * The classic eight RFM segments. Each of R, F and M is "high" when the customer's score is above
 * the average score of the scored customers, else "low" (高于平均值为高); the names follow the usual
 * CRM table, e.g. https://bz.zhsmjxc.com/pages/viewpage.action?pageId=2821466 (重要价值 R↑F↑M↑,
 * 重要发展 R↑F↓M↑, 重要保持 R↓F↑M↑, 重要挽留 R↓F↓M↑, 一般价值 R↑F↑M↓, 一般发展 R↑F↓M↓,
 * 一般保持 R↓F↑M↓, 一般挽留 R↓F↓M↓). Indexed by the class bits R = 4, F = 2, M = 1.
 */
export const RFM_SEGMENTS: { key: string; label: string; rfmClass: number }[] = [
  { key: 'IMPORTANT_VALUE', label: '重要价值客户', rfmClass: 7 },
  { key: 'IMPORTANT_DEVELOPMENT', label: '重要发展客户', rfmClass: 5 },
  { key: 'IMPORTANT_RETENTION', label: '重要保持客户', rfmClass: 3 },
  { key: 'IMPORTANT_WINBACK', label: '重要挽留客户', rfmClass: 1 },
  { key: 'GENERAL_VALUE', label: '一般价值客户', rfmClass: 6 },
  { key: 'GENERAL_DEVELOPMENT', label: '一般发展客户', rfmClass: 4 },
  { key: 'GENERAL_RETENTION', label: '一般保持客户', rfmClass: 2 },
  { key: 'GENERAL_WINBACK', label: '一般挽留客户', rfmClass: 0 },
];

/** Frequency and monetary look back this many days, asOf included. */
export const RFM_WINDOW_DAYS = 365;

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
  customersScored: number;
  /** Live customers without a settled visit up to asOf: no score, in no segment. */
  customersWithoutVisits: number;
  segments: { key: string; label: string; count: number }[];
  customers: ConnectionShape<RfmCustomer>;
}

interface ReportRow {
  scored: number;
  /** Scored customers the list may name (all of them but for MARKETING). */
  listed: number;
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
 * RFM as of a local date, in ONE statement. A settled visit (one with a settlement) up to asOf
 * counts; with a store, only its visits. They are read from report_settled_visit, a row per
 * settlement with what it consumed, kept by triggers (Migration20261202100000_report_rollups). R: days from the last one to asOf; F: those in the last 365
 * days; M: their lines' list prices less the tier discount and coupons (as revenue.ts), same window.
 * Scores are quintiles (ntile(5)) over the customers with at least one settled visit; equal values
 * take the lowest score among them, so two customers alike never score apart. Customers without a
 * visit are counted apart (customersWithoutVisits), not scored 1-1-1: they would shift every
 * quintile and the averages. The page is ordered by R+F+M, then id, both descending.
 */
/**
 * Customers the list may name: with `?` true (MARKETING), not those who opted out, the audience rule
 * of CustomerQueryService: 勿扰, or consent withdrawn on every channel they were asked about (never
 * asked is not opted out). The scores and segment counts stay over every customer: aggregates.
 */
const LISTED = `(not ?::boolean or (not c.do_not_contact and (
    not exists (select 1 from contact_consent x where x.customer_id = c.id)
    or exists (select 1 from contact_consent x where x.customer_id = c.id and x.granted))))`;

export async function rfmReport(
  em: EntityManager,
  scope: ReportScope,
  options: { asOf?: string | null; first?: number; after?: string | null; hideOptedOut?: boolean },
): Promise<RfmReport> {
  const asOf = options.asOf == null ? todayIn(scope.timeZone) : checkedAsOf(options.asOf);
  const limit = pageSize(options.first);
  const cursor = options.after ? rfmCursor(options.after) : null;
  const windowFrom = addDays(asOf, 1 - RFM_WINDOW_DAYS);
  const { end } = instantsOf({ from: asOf, to: asOf }, scope.timeZone);
  const { start } = instantsOf({ from: windowFrom, to: asOf }, scope.timeZone);
  const zone = scope.timeZone;
  const hideOptedOut = options.hideOptedOut ?? false;
  const [row] = await runPrepared<ReportRow>(
    em,
    `with visits as (
       select r.customer_id, r.visited_at, r.consumed
       from report_settled_visit r
       join customer c on c.id = r.customer_id and c.organization_id = r.organization_id and c.archived_at is null
       where r.organization_id = ? and r.visited_at < ? and (?::uuid is null or r.store_id = ?)
     ), measured as (
       select customer_id,
         (?::date - max((visited_at at time zone ?)::date))::int as recency_days,
         count(*) filter (where visited_at >= ?)::int as frequency,
         coalesce(sum(consumed) filter (where visited_at >= ?), 0)::bigint as monetary,
         to_char(max(visited_at at time zone ?), 'YYYY-MM-DD') as last_visit_on
       from visits group by customer_id
     ), tiled as (
       select m.*,
         ntile(5) over (order by recency_days desc, customer_id) as r_tile,
         ntile(5) over (order by frequency, customer_id) as f_tile,
         ntile(5) over (order by monetary, customer_id) as m_tile
       from measured m
     ), scored as (
       select t.*, min(r_tile) over (partition by recency_days) as r,
         min(f_tile) over (partition by frequency) as f, min(m_tile) over (partition by monetary) as m
       from tiled t
     ), classed as (
       select s.*, s.r + s.f + s.m as score,
         (case when s.r > a.r then 4 else 0 end) + (case when s.f > a.f then 2 else 0 end)
           + (case when s.m > a.m then 1 else 0 end) as rfm_class
       from scored s cross join (select avg(r) as r, avg(f) as f, avg(m) as m from scored) a
     )
     select (select count(*)::int from classed) as scored,
       (select count(*)::int from customer c
         where c.organization_id = ? and c.archived_at is null and (?::uuid is null or c.home_store_id = ?)
           and not exists (select 1 from measured m where m.customer_id = c.id)) as without_visits,
       (select coalesce(json_agg(json_build_object('rfm_class', g.rfm_class, 'count', g.count)), '[]'::json)
         from (select rfm_class, count(*)::int as count from classed group by rfm_class) g) as segments,
       (select coalesce(json_agg(p order by p.score desc, p.id desc), '[]'::json) from (
         select k.customer_id as id, c.name, k.last_visit_on, k.recency_days, k.frequency, k.monetary,
           k.r, k.f, k.m, k.rfm_class, k.score
         from classed k join customer c on c.id = k.customer_id and c.organization_id = ?
         where (?::int is null or (k.score, k.customer_id) < (?::int, ?::uuid)) and ${LISTED}
         order by k.score desc, k.customer_id desc
         limit ?) p) as page,
       (select count(*)::int from classed k join customer c on c.id = k.customer_id and c.organization_id = ?
         where ${LISTED}) as listed`,
    [
      scope.organizationId,
      end,
      scope.storeId,
      scope.storeId,
      asOf,
      zone,
      start,
      start,
      zone,
      scope.organizationId,
      scope.storeId,
      scope.storeId,
      scope.organizationId,
      cursor?.score ?? null,
      cursor?.score ?? null,
      cursor?.id ?? null,
      hideOptedOut,
      limit + 1,
      scope.organizationId,
      hideOptedOut,
    ],
    REPORT_PLAN,
  );
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
    asOf,
    windowFrom,
    timeZone: zone,
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
      () => Promise.resolve(row.listed),
    ),
  };
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
