import { addDays, instantsOf } from './period';

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

/** What the scoring reads: the organization, a store or none, the local date and its zone. */
export interface RfmScoringInput {
  organizationId: string;
  storeId: string | null;
  asOf: string;
  timeZone: string;
}

/**
 * RFM scoring as CTEs ending in `classed` (customer_id, recency_days, frequency, monetary,
 * last_visit_on, r, f, m, score, rfm_class), shared by the live report (rfm.ts) and the snapshot
 * (rfm-snapshot.ts), so the two can only differ by when they ran. A settled visit (one with a
 * settlement) up to asOf counts; with a store, only its visits. They are read from
 * report_settled_visit, a row per settlement with what it consumed, kept by triggers
 * (Migration20261202100000_report_rollups). R: days from the last one to asOf; F: those in the last
 * 365 days; M: their lines' list prices less the tier discount and coupons (as revenue.ts), same
 * window. Scores are quintiles (ntile(5)) over the customers with at least one settled visit; equal
 * values take the lowest score among them, so two customers alike never score apart. R/F/M are high
 * above the average score, the 3 bits (R = 4, F = 2, M = 1) naming the segment.
 */
export const RFM_SCORED_CTES = `visits as (
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
     )`;

/** The values of RFM_SCORED_CTES' placeholders, in order. */
export function rfmScoredParams(input: RfmScoringInput): unknown[] {
  const { asOf, timeZone: zone } = input;
  const { end } = instantsOf({ from: asOf, to: asOf }, zone);
  const { start } = instantsOf({ from: rfmWindowFrom(asOf), to: asOf }, zone);
  return [input.organizationId, end, input.storeId, input.storeId, asOf, zone, start, start, zone];
}

/** The first day F and M count. */
export function rfmWindowFrom(asOf: string): string {
  return addDays(asOf, 1 - RFM_WINDOW_DAYS);
}

/** Live customers (of the home store with a store) without a settled visit: not scored. `?`: org, store, store. */
export const RFM_WITHOUT_VISITS = `(select count(*)::int from customer c
         where c.organization_id = ? and c.archived_at is null and (?::uuid is null or c.home_store_id = ?)
           and not exists (select 1 from measured m where m.customer_id = c.id))`;
