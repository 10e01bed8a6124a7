import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerGrowthGrouping } from '../../entities/reports/reports.enums';
import { runPrepared } from '../sql';
import { bucketKey, type DateRange, type ReportPeriod } from './period';
import { inComparedRanges, LOCAL_DAY, sumWithin, type ReportScope, REPORT_PLAN } from './report-scope';

export interface CountPoint extends DateRange {
  count: number;
}

export interface CountGroup {
  key: string;
  label: string;
  total: number;
  series: CountPoint[];
}

/** 客户增长: new customer records per bucket, and the totals of the periods compared. */
export interface CustomerGrowth {
  period: ReportPeriod;
  series: CountPoint[];
  total: number;
  /** 环比 */
  previousTotal: number;
  /** 同比 */
  lastYearTotal: number;
  groups: CountGroup[];
}

export const SOURCE_LABELS: Record<string, string> = {
  REFERRAL: '转介绍',
  ONLINE: '线上',
  COMMUNITY_EVENT: '社区活动',
  WALK_IN: '自然到店',
  OTHER: '其他',
  UNKNOWN: '未填写',
};

/** What a group is keyed and labelled by: a constant per grouping, so the statement texts are three. */
const GROUP_SQL: Record<CustomerGrowthGrouping | 'NONE', { key: string; label: string }> = {
  NONE: { key: `''`, label: `''` },
  SOURCE: { key: `coalesce(c.source::text, 'UNKNOWN')`, label: `''` },
  STORE: { key: `coalesce(c.home_store_id::text, 'NONE')`, label: `coalesce(s.name, '未指定门店')` },
};

interface DayRow {
  day: string;
  group_key: string;
  label: string;
  count: number;
}

/**
 * Customers whose record was created in the period (archived ones left out), counted per local day
 * of the scope's time zone in one statement over the period, its 环比 and its 同比, then folded
 * into zero-filled buckets. With a store: the customers whose home store it is.
 */
export async function customerGrowth(
  em: EntityManager,
  scope: ReportScope,
  period: ReportPeriod,
  groupBy: CustomerGrowthGrouping | null,
): Promise<CustomerGrowth> {
  const group = GROUP_SQL[groupBy ?? 'NONE'];
  const ranges = inComparedRanges('c.created_at', period);
  const rows = await runPrepared<DayRow>(
    em,
    `select ${LOCAL_DAY('c.created_at')} as day, ${group.key} as group_key, ${group.label} as label,
       count(*)::int as count
     from customer c left join store s on s.id = c.home_store_id and s.organization_id = c.organization_id
     where c.organization_id = ? and c.archived_at is null
       and (?::uuid is null or c.home_store_id = ?) and ${ranges.sql}
     group by 1, 2, 3`,
    [period.timeZone, scope.organizationId, scope.storeId, scope.storeId, ...ranges.values],
    REPORT_PLAN,
  );
  const inPeriod = rows.filter((row) => row.day >= period.from && row.day <= period.to);
  const groups = new Map<string, CountGroup>();
  if (groupBy)
    for (const row of inPeriod) {
      const label = groupBy === CustomerGrowthGrouping.SOURCE ? SOURCE_LABELS[row.group_key] : row.label;
      if (!groups.has(row.group_key))
        groups.set(row.group_key, { key: row.group_key, label, total: 0, series: [] });
    }
  for (const entry of groups.values()) {
    const mine = inPeriod.filter((row) => row.group_key === entry.key);
    entry.series = series(period, mine);
    entry.total = mine.reduce((sum, row) => sum + row.count, 0);
  }
  return {
    period,
    series: series(period, inPeriod),
    total: sumWithin(rows, period, (row) => row.count),
    previousTotal: sumWithin(rows, period.previous, (row) => row.count),
    lastYearTotal: sumWithin(rows, period.lastYear, (row) => row.count),
    groups: [...groups.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key)),
  };
}

/** Every bucket of the period, those without a row at zero. */
function series(period: ReportPeriod, rows: { day: string; count: number }[]): CountPoint[] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const key = bucketKey(row.day, period.grain);
    counts.set(key, (counts.get(key) ?? 0) + row.count);
  }
  return period.buckets.map((bucket) => ({
    from: bucket.from,
    to: bucket.to,
    count: counts.get(bucket.key) ?? 0,
  }));
}
