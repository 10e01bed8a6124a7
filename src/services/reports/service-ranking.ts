import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../core/errors';
import { runPrepared } from '../sql';
import { instantsOf, type ReportPeriod } from './period';
import type { ReportScope } from './report-scope';

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

/** The services given most in the period (visits of the scope's store, or all), then by revenue. */
export async function serviceRanking(
  em: EntityManager,
  scope: ReportScope,
  period: ReportPeriod,
  first = 20,
): Promise<ServiceRank[]> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_RANKING)
    throw new BadInputError('first', 'range', `first is 1–${MAX_RANKING}.`);
  const { start, end } = instantsOf(period, period.timeZone);
  const rows = await runPrepared<{ service_id: string; name: string; count: number; revenue: string }>(
    em,
    `select l.service_id, si.name, count(*)::int as count, sum(l.list_price)::bigint as revenue
     from visit v
     join visit_line l on l.visit_id = v.id and l.organization_id = v.organization_id
     join service_item si on si.id = l.service_id and si.organization_id = v.organization_id
     where v.organization_id = ? and v.visited_at >= ? and v.visited_at < ? and (?::uuid is null or v.store_id = ?)
     group by l.service_id, si.name
     order by count desc, revenue desc, si.name, l.service_id
     limit ?`,
    [scope.organizationId, start, end, scope.storeId, scope.storeId, first],
  );
  return rows.map((row) => ({
    serviceId: row.service_id,
    name: row.name,
    count: row.count,
    revenue: Number(row.revenue),
  }));
}
