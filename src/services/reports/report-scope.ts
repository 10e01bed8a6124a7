import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../core/errors';
import { isUuid } from '../../core/uuid';
import type { Viewer } from '../../core/viewer';
import type { Organization } from '../../entities';
import type { Loaders } from '../read/loaders';
import type { RowOf } from '../rows';
import { runPrepared } from '../sql';
import { instantsOf, type DateRange, type ReportPeriod } from './period';

/** Whom a report is about: the viewer's organization, and one of its stores or all of them. */
export interface ReportScope {
  organization: RowOf<Organization>;
  organizationId: string;
  /** null: every store of the organization. */
  storeId: string | null;
  /** The store's time zone when one is named, else the organization's: buckets are its local days. */
  timeZone: string;
}

/**
 * The scope of a report. A store must be one of the viewer's organization: any other id, a foreign
 * store's included, is BAD_USER_INPUT on `storeId`, so a report never says whether it exists.
 */
export async function reportScope(
  em: EntityManager,
  viewer: Viewer,
  loaders: Loaders,
  storeId?: string | null,
): Promise<ReportScope> {
  const organization = await loaders.organization();
  const scope = {
    organization,
    organizationId: viewer.organizationId,
    storeId: null,
    timeZone: organization.timezone,
  };
  if (storeId == null) return scope;
  const unknown = () =>
    new BadInputError('storeId', 'exists', 'storeId is not a store of your organization.');
  if (!isUuid(storeId)) throw unknown();
  const [store] = await runPrepared<{ timezone: string }>(
    em,
    `select timezone from store where id = ? and organization_id = ?`,
    [storeId, viewer.organizationId],
  );
  if (!store) throw unknown();
  return { ...scope, storeId, timeZone: store.timezone };
}

/**
 * Report statements are planned for their values on every call: the best plan depends on the period
 * (a month reads an index range, a year the whole table) and on whether a store is named, and the
 * generic plan a named statement falls back to after five calls serves neither (员工绩效 took 10 s).
 */
export const REPORT_PLAN = { plan: 'per-call' } as const;

/**
 * `column` inside any of the period, its 环比 and its 同比, as SQL and its six values: one statement
 * reads all three, and the service folds its daily rows into each.
 */
export function inComparedRanges(column: string, period: ReportPeriod): { sql: string; values: Date[] } {
  const ranges: DateRange[] = [period, period.previous, period.lastYear];
  return {
    sql: `(${ranges.map(() => `(${column} >= ? and ${column} < ?)`).join(' or ')})`,
    values: ranges.flatMap((range) => {
      const { start, end } = instantsOf(range, period.timeZone);
      return [start, end];
    }),
  };
}

/**
 * A rollup's day column inside any of the period, its 环比 and its 同比: a store's report reads the
 * days of the store's zone, an organization's those of its own zone (report_*_day keep both).
 */
export function inComparedDays(
  scope: ReportScope,
  period: ReportPeriod,
): { column: string; sql: string; values: string[] } {
  const column = scope.storeId ? 'store_day' : 'org_day';
  const ranges: DateRange[] = [period, period.previous, period.lastYear];
  return {
    column,
    sql: `(${ranges.map(() => `(${column} >= ?::date and ${column} <= ?::date)`).join(' or ')})`,
    values: ranges.flatMap((range) => [range.from, range.to]),
  };
}

/** The rollup rows of the scope: the organization's, and with a store only that store's. */
export function rollupRowsOf(scope: ReportScope): { sql: string; values: string[] } {
  return scope.storeId
    ? { sql: 'organization_id = ? and store_id = ?', values: [scope.organizationId, scope.storeId] }
    : { sql: 'organization_id = ?', values: [scope.organizationId] };
}

/** A timestamptz column as the local date (YYYY-MM-DD) of the scope's time zone, its value bound. */
export const LOCAL_DAY = (column: string) => `to_char(${column} at time zone ?, 'YYYY-MM-DD')`;

/** Whether a local date lies in a range (both ends included). */
export function within(day: string, range: DateRange): boolean {
  return day >= range.from && day <= range.to;
}

/** The sum of a measure over the daily rows inside a range. */
export function sumWithin<T extends { day: string }>(
  rows: T[],
  range: DateRange,
  measure: (row: T) => number,
): number {
  return rows.reduce((sum, row) => (within(row.day, range) ? sum + measure(row) : sum), 0);
}
