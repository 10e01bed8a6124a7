import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Puts customers in the highest-ranked tier whose thresholds their spend (money paid at checkout,
 * points excluded) and visits over the organization's rolling window meet, and records every move
 * with its figures. One statement for one customer or the whole organization; customers already in
 * the right tier are left alone. Returns the ids of customers whose tier changed.
 */
export async function evaluateTiers(
  em: EntityManager,
  organizationId: string,
  customerId: string | null,
): Promise<string[]> {
  const rows = await em.getConnection().execute<{ customer_id: string }[]>(
    `with settings as (
       select now() - make_interval(days => o.tier_window_days) as since, o.tier_window_days as days
       from organization o where o.id = ?
     ), figures as (
       select c.id, c.tier_id, s.days,
         coalesce((select sum(st.due - st.points_value) from settlement st
                   where st.customer_id = c.id and st.created_at > s.since), 0) as spend,
         (select count(*) from visit v where v.customer_id = c.id and v.visited_at > s.since) as visits
       from customer c cross join settings s
       where c.organization_id = ? and c.archived_at is null and (?::uuid is null or c.id = ?::uuid)
     ), best as (
       select f.*, (select t.id from membership_tier t
                    where t.organization_id = ? and t.min_spend <= f.spend and t.min_visits <= f.visits
                    order by t.rank desc limit 1) as new_tier
       from figures f
     ), changed as (
       update customer c set tier_id = b.new_tier
       from best b where c.id = b.id and c.tier_id is distinct from b.new_tier
       returning c.id, b.tier_id as from_tier, b.new_tier, b.spend, b.visits, b.days
     )
     insert into tier_change (id, organization_id, created_at, updated_at, customer_id, from_tier_id, to_tier_id, reason)
     select gen_random_uuid(), ?, clock_timestamp(), clock_timestamp(), id, from_tier, new_tier,
            '近' || days || '天消费 ¥' || to_char(spend / 100.0, 'FM999,999,999,990.00') || ', 到店 ' || visits || ' 次'
     from changed
     returning customer_id`,
    [organizationId, organizationId, customerId, customerId, organizationId, organizationId],
    'all',
    em.getTransactionContext(),
  );
  return rows.map((row) => row.customer_id);
}
