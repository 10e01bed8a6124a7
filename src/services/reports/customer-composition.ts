import type { EntityManager } from '@mikro-orm/postgresql';
import { todayIn } from '../../core/time';
import { runPrepared } from '../sql';
import { SOURCE_LABELS } from './customer-growth';
import { instantsOf, type ReportPeriod } from './period';
import { REPORT_PLAN, type ReportScope } from './report-scope';

export interface CountRow {
  key: string;
  label: string;
  count: number;
}

/** 客户构成: the live customers now by tier, gender, age band and source; the period's visitors new or returning. */
export interface CustomerComposition {
  period: ReportPeriod;
  total: number;
  byTier: CountRow[];
  byGender: CountRow[];
  byAgeBand: CountRow[];
  bySource: CountRow[];
  /** Customers who came in the period for the first time (no visit before it, in any store). */
  newVisitors: number;
  /** Customers who came in the period and had come before. */
  returningVisitors: number;
}

const GENDER_LABELS: Record<string, string> = {
  FEMALE: '女',
  MALE: '男',
  OTHER: '其他',
  UNDISCLOSED: '不愿透露',
  UNKNOWN: '未填写',
};

/** Age bands in the order a chart shows them; the SQL below computes the same keys. */
export const AGE_BANDS: CountRow[] = [
  { key: 'UNDER_25', label: '25岁以下', count: 0 },
  { key: 'FROM_25_TO_34', label: '25–34岁', count: 0 },
  { key: 'FROM_35_TO_44', label: '35–44岁', count: 0 },
  { key: 'FROM_45_TO_54', label: '45–54岁', count: 0 },
  { key: 'FROM_55', label: '55岁及以上', count: 0 },
  { key: 'UNKNOWN', label: '未知', count: 0 },
];

/** Whole years on `?` (today), computed once per customer: the bands below read it. */
const AGE_YEARS_SQL = `extract(year from age(?::date, c.birthday))`;

const AGE_BAND_SQL = `case when years is null then 'UNKNOWN'
  when years < 25 then 'UNDER_25' when years < 35 then 'FROM_25_TO_34' when years < 45 then 'FROM_35_TO_44'
  when years < 55 then 'FROM_45_TO_54' else 'FROM_55' end`;

interface Row {
  dimension: 'tier' | 'gender' | 'age' | 'source' | 'visitors';
  key: string;
  label: string | null;
  count: number;
}

/**
 * One statement: each dimension a group of the live customers (with a store: those whose home store
 * it is), and the period's visitors (with a store: who visited it) split by an earlier visit anywhere:
 * report_first_visit keeps each customer's first visit (triggers of
 * Migration20261202100000_report_rollups). Ages are whole years on today's date in the scope's time zone. No health field is read.
 */
export async function customerComposition(
  em: EntityManager,
  scope: ReportScope,
  period: ReportPeriod,
): Promise<CustomerComposition> {
  const today = todayIn(scope.timeZone);
  const { start, end } = instantsOf(period, period.timeZone);
  const rows = await runPrepared<Row>(
    em,
    `with live as (
       select tier_id, gender, source, ${AGE_BAND_SQL} as age_band
       from (select c.tier_id, c.gender, c.source, ${AGE_YEARS_SQL} as years
         from customer c
         where c.organization_id = ? and c.archived_at is null and (?::uuid is null or c.home_store_id = ?)) c
     ), visitors as (
       select distinct v.customer_id from visit v
       where v.organization_id = ? and v.visited_at >= ? and v.visited_at < ? and (?::uuid is null or v.store_id = ?)
     )
     select 'tier' as dimension, coalesce(l.tier_id::text, 'NONE') as key, min(t.name) as label, count(*)::int as count
       from live l left join membership_tier t on t.id = l.tier_id group by 2
     union all select 'gender', coalesce(gender::text, 'UNKNOWN'), null, count(*)::int from live group by 2
     union all select 'age', age_band, null, count(*)::int from live group by 2
     union all select 'source', coalesce(source::text, 'UNKNOWN'), null, count(*)::int from live group by 2
     union all select 'visitors', case when f.first_visit_at < ? then 'RETURNING' else 'NEW' end, null, count(*)::int
       from visitors left join report_first_visit f on f.customer_id = visitors.customer_id group by 2`,
    [
      today,
      scope.organizationId,
      scope.storeId,
      scope.storeId,
      scope.organizationId,
      start,
      end,
      scope.storeId,
      scope.storeId,
      start,
    ],
    REPORT_PLAN,
  );
  const of = (dimension: Row['dimension'], labels: Record<string, string> = {}) =>
    rows
      .filter((row) => row.dimension === dimension)
      .map((row) => ({ key: row.key, label: row.label ?? labels[row.key] ?? row.key, count: row.count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const ages = new Map(of('age').map((row) => [row.key, row.count]));
  const visitors = new Map(of('visitors').map((row) => [row.key, row.count]));
  const byTier = of('tier').map((row) => (row.key === 'NONE' ? { ...row, label: '无等级' } : row));
  return {
    period,
    total: byTier.reduce((sum, row) => sum + row.count, 0),
    byTier,
    byGender: of('gender', GENDER_LABELS),
    byAgeBand: AGE_BANDS.map((band) => ({ ...band, count: ages.get(band.key) ?? 0 })),
    bySource: of('source', SOURCE_LABELS),
    newVisitors: visitors.get('NEW') ?? 0,
    returningVisitors: visitors.get('RETURNING') ?? 0,
  };
}
