/**
 * SQL fragments shared by the care-task generators (care-generators.ts). Each generator is one
 * set-based INSERT … SELECT … ON CONFLICT (organization_id, dedupe_key) DO NOTHING, so running a
 * schedule twice, or on two workers at once, never creates a task twice. Aliases the fragments
 * expect: `c` customer, `o` organization, `k` the clock (`k.now`, the schedule's instant, and
 * `k.org_id`) from CLOCK.
 */

/** The store manager of `store` (else any manager, else the owner): who gets tasks nobody else has. */
export const storeManager = (store: string) => `(
  select u.id from app_user u
  left join user_store us on us.user_id = u.id and us.store_id = ${store}
  where u.organization_id = o.id and u.active and u.role in ('MANAGER', 'OWNER')
  order by (u.role = 'MANAGER' and us.store_id is not null) desc, (u.role = 'MANAGER') desc, u.created_at, u.id
  limit 1)`;

/** 专属顾问 if active and still a consultant (or manager), else the store manager. */
export const careOwner = (store: string) => `coalesce(
  (select u.id from app_user u where u.id = c.assigned_consultant_id and u.organization_id = o.id
     and u.active and u.role in ('CONSULTANT', 'MANAGER', 'OWNER')),
  ${storeManager(store)})`;

/** The customer's store: home store, else where they last visited. */
export const customerStore = `coalesce(c.home_store_id,
  (select v.store_id from visit v where v.customer_id = c.id order by v.visited_at desc, v.id desc limit 1))`;

/** Service contacts: the customer's preferred channel, else a call when there is a phone. */
export const serviceChannel = `coalesce(c.preferred_channel,
  case when c.phone is not null then 'PHONE' else 'WECHAT' end::contact_channel)`;

/** Marketing: the preferred channel if consented to, else the first consented one; null: none. */
export const marketingChannel = `(
  select cc.channel from contact_consent cc where cc.customer_id = c.id and cc.granted
  order by (cc.channel = c.preferred_channel) is true desc,
    array_position(array['WECHAT', 'SMS', 'PHONE', 'EMAIL']::contact_channel[], cc.channel)
  limit 1)`;

/**
 * Who may get a marketing task now (k.now): not archived, not 勿扰, a consented channel, and fewer
 * marketing tasks than the frequency cap within the cap's period (the customer's, else the org's).
 */
export const marketingAllowed = `(c.archived_at is null and not c.do_not_contact
  and ${marketingChannel} is not null
  and (select count(*) from care_task t
       where t.customer_id = c.id and t.purpose = 'MARKETING' and t.status <> 'CANCELLED'
         and t.created_at > k.now
           - make_interval(days => coalesce(c.marketing_cap_days, o.marketing_cap_days)))
      < coalesce(c.marketing_cap_count, o.marketing_cap_count))`;

/** The local date of k.now in a zone. */
export const localToday = (zone: string) => `(k.now at time zone ${zone})::date`;

/** A date at a wall-clock time in a zone, as an instant. */
export const localInstant = (date: string, time: string, zone: string) =>
  `((${date})::date + time '${time}') at time zone ${zone}`;

/** Binds the schedule's instant and organization: `with ${CLOCK} insert …`, params [now, organizationId]. */
export const CLOCK = `k as (select ?::timestamptz as now, ?::uuid as org_id)`;

export const TASK_COLUMNS = `id, organization_id, created_at, updated_at, version, status, customer_id, store_id,
  kind, purpose, reason, suggested_channel, owner_id, available_from, due_at, dedupe_key`;

export const ON_CONFLICT = `on conflict (organization_id, dedupe_key) do nothing`;
