import type { FactCode } from './custom-catalogue';

/** The fact rows, filtered on the organization and (for period facts) on the period's instants. */
export const FACT_SQL: Record<FactCode, { sql: string; period: boolean }> = {
  customers: {
    period: false,
    sql: `select null::timestamptz as at, c0.home_store_id as store_id, c0.id as customer_id,
        null::uuid as service_id, null::uuid as therapist_id, null::uuid as product_id,
        0::bigint as amount, 0::bigint as amount2, 0::bigint as quantity
      from customer c0 where c0.organization_id = ? and c0.archived_at is null`,
  },
  newCustomers: {
    period: true,
    sql: `select c0.created_at as at, c0.home_store_id as store_id, c0.id as customer_id,
        null::uuid as service_id, null::uuid as therapist_id, null::uuid as product_id,
        0::bigint as amount, 0::bigint as amount2, 0::bigint as quantity
      from customer c0 where c0.organization_id = ? and c0.archived_at is null
        and c0.created_at >= ? and c0.created_at < ?`,
  },
  visits: {
    period: true,
    sql: `select v.visited_at as at, v.store_id, v.customer_id,
        null::uuid as service_id, null::uuid as therapist_id, null::uuid as product_id,
        0::bigint as amount, 0::bigint as amount2, 0::bigint as quantity
      from visit v where v.organization_id = ? and v.visited_at >= ? and v.visited_at < ?`,
  },
  lines: {
    period: true,
    sql: `select v.visited_at as at, v.store_id, v.customer_id, l.service_id, l.therapist_id,
        null::uuid as product_id, l.list_price::bigint as amount, 0::bigint as amount2, 0::bigint as quantity
      from visit v join visit_line l on l.visit_id = v.id and l.organization_id = v.organization_id
      where v.organization_id = ? and v.visited_at >= ? and v.visited_at < ?`,
  },
  // As revenue.ts: consumed is the lines' list prices less the tier discount and coupons.
  settlements: {
    period: true,
    sql: `select s.created_at as at, v.store_id, s.customer_id,
        null::uuid as service_id, null::uuid as therapist_id, null::uuid as product_id,
        ((select coalesce(sum(l.list_price), 0) from visit_line l
          where l.visit_id = s.visit_id and l.organization_id = s.organization_id) - s.discount - s.coupon_discount)::bigint as amount,
        0::bigint as amount2, s.punches_used::bigint as quantity
      from settlement s join visit v on v.id = s.visit_id and v.organization_id = s.organization_id
      where s.organization_id = ? and s.created_at >= ? and s.created_at < ?`,
  },
  // As revenue.ts: card sales (amount_paid of the ledger) and checkouts' external payments; amount2 the card part.
  cash: {
    period: true,
    sql: `select e.created_at as at, e.store_id, e.customer_id,
        null::uuid as service_id, null::uuid as therapist_id, null::uuid as product_id,
        e.amount_paid::bigint as amount, e.amount_paid::bigint as amount2, 0::bigint as quantity
      from ledger_entry e
      where e.organization_id = ? and e.amount_paid is not null and e.created_at >= ? and e.created_at < ?
      union all
      select s.created_at, v.store_id, s.customer_id, null::uuid, null::uuid, null::uuid,
        (select coalesce(sum((p ->> 'amount')::bigint), 0) from jsonb_array_elements(s.external_payments) p),
        0::bigint, 0::bigint
      from settlement s join visit v on v.id = s.visit_id and v.organization_id = s.organization_id
      where s.organization_id = ? and s.created_at >= ? and s.created_at < ?`,
  },
  // Products are not sold through this API: they are used in services (耗材), recorded on visit lines.
  productUse: {
    period: true,
    sql: `select v.visited_at as at, v.store_id, v.customer_id, l.service_id, l.therapist_id, u.product_id,
        (u.quantity::bigint * pr.price) as amount, 0::bigint as amount2, u.quantity::bigint as quantity
      from visit v join visit_line l on l.visit_id = v.id and l.organization_id = v.organization_id
      join visit_product_use u on u.line_id = l.id and u.organization_id = v.organization_id
      join product pr on pr.id = u.product_id and pr.organization_id = v.organization_id
      where v.organization_id = ? and v.visited_at >= ? and v.visited_at < ?`,
  },
};
