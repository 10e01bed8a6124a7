import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../core/errors';
import { runPrepared } from '../sql';
import type { ReportPeriod } from './period';
import { rollupRowsOf, type ReportScope, REPORT_PLAN } from './report-scope';

/** One service of the ranking (项目排行). */
export interface ServiceRank {
  serviceId: string;
  name: string;
  /** Times it was given (visit lines) in the period. */
  count: number;
  /** The list prices of those lines in 分, before tier discounts and coupons, settled or not. */
  revenue: number;
}

export const MAX_RANKING = 100;

/**
 * The services given most in the period (visits of the scope's store, or all), then by revenue: the
 * visit lines counted per local day in report_service_day as they are written.
 */
export async function serviceRanking(
  em: EntityManager,
  scope: ReportScope,
  period: ReportPeriod,
  first = 20,
): Promise<ServiceRank[]> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_RANKING)
    throw new BadInputError('first', 'range', `first is 1–${MAX_RANKING}.`);
  const rowsOf = rollupRowsOf(scope);
  const day = scope.storeId ? 'store_day' : 'org_day';
  const rows = await runPrepared<{ service_id: string; name: string; count: number; revenue: string }>(
    em,
    `select r.service_id, si.name, r.count, r.revenue
     from (select service_id, sum(lines)::int as count, sum(list_price)::bigint as revenue
       from report_service_day
       where ${rowsOf.sql} and ${day} >= ?::date and ${day} <= ?::date
       group by service_id having sum(lines) > 0) r
     join service_item si on si.id = r.service_id and si.organization_id = ?
     order by r.count desc, r.revenue desc, si.name, r.service_id
     limit ?`,
    [...rowsOf.values, period.from, period.to, scope.organizationId, first],
    REPORT_PLAN,
  );
  return rows.map((row) => ({
    serviceId: row.service_id,
    name: row.name,
    count: row.count,
    revenue: Number(row.revenue),
  }));
}
