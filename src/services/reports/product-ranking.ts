import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../core/errors';
import { runPrepared } from '../sql';
import { instantsOf, type ReportPeriod } from './period';
import type { ReportScope } from './report-scope';

/** One product of the ranking (产品排行). */
export interface ProductRank {
  productId: string;
  name: string;
  unit: string;
  /** Visit lines that recorded using it in the period. */
  uses: number;
  /** Units used (ml, 片 … the product's unit). */
  quantity: number;
  /** Those units at the product's 售价 today, in 分: a value, not money taken. */
  value: number;
}

export const MAX_PRODUCT_RANKING = 100;

/**
 * The products used most in the period's visits (of the scope's store, or all), by units, then uses.
 * Products are not sold through this API: they are consumed in services (visit_product_use, whose
 * stock movements are VISIT_USE), so there is no product revenue to rank; `value` prices the use.
 */
export async function productRanking(
  em: EntityManager,
  scope: ReportScope,
  period: ReportPeriod,
  first = 20,
): Promise<ProductRank[]> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PRODUCT_RANKING)
    throw new BadInputError('first', 'range', `first is 1–${MAX_PRODUCT_RANKING}.`);
  const { start, end } = instantsOf(period, period.timeZone);
  const rows = await runPrepared<{
    product_id: string;
    name: string;
    unit: string;
    uses: number;
    quantity: string;
    value: string;
  }>(
    em,
    `select u.product_id, p.name, p.unit, count(*)::int as uses, sum(u.quantity)::bigint as quantity,
       sum(u.quantity::bigint * p.price)::bigint as value
     from visit v
     join visit_line l on l.visit_id = v.id and l.organization_id = v.organization_id
     join visit_product_use u on u.line_id = l.id and u.organization_id = v.organization_id
     join product p on p.id = u.product_id and p.organization_id = v.organization_id
     where v.organization_id = ? and v.visited_at >= ? and v.visited_at < ? and (?::uuid is null or v.store_id = ?)
     group by u.product_id, p.name, p.unit
     order by quantity desc, uses desc, p.name, u.product_id
     limit ?`,
    [scope.organizationId, start, end, scope.storeId, scope.storeId, first],
  );
  return rows.map((row) => ({
    productId: row.product_id,
    name: row.name,
    unit: row.unit,
    uses: row.uses,
    quantity: Number(row.quantity),
    value: Number(row.value),
  }));
}
