import { Migration } from '@mikro-orm/migrations';

/**
 * RFM's per-customer snapshot (issue 15 "Speed"): scoring every settled visit of the last year took
 * 2 s at 1,000,000 visits, so rfm-snapshot.ts writes the scores of an organization's customers once
 * (set-based, the live report's own CTEs) and the report reads them. `customer_rfm_run` says which
 * local date the snapshot is as of and when it was computed (the answer's `computedAt`), and counts
 * the customers it left unscored. Written by the runtime role (the job, or a request finding no
 * snapshot yet); a customer deleted takes their row with them.
 *
 * 员工绩效's rollups, kept by the database in the writing transaction like those of
 * Migration20261202100000_report_rollups (statement-level triggers over the transition tables):
 * - report_staff_day: a row per (store, local day in the store's and the organization's zone,
 *   therapist, customer): lines given, visits, ratings (count and sum over the visits), the first and
 *   last visit of that day, and `rebooked` (the customer came again, or booked an appointment not
 *   cancelled, within 30 days after one of those visits). Whether a customer came again depends on
 *   their later visits and appointments, so a change to a customer's visits, lines or appointments
 *   recomputes that customer's rows (a customer has tens of visits): no row is shared between
 *   customers, so concurrent checkouts never queue on one.
 * - report_staff_revenue_day: report_settled_line summed per (store, days, therapist), kept by
 *   triggers on report_settled_line itself (its rows come and go with their settlements).
 * A store's or the organization's new time zone recomputes the organization's rows.
 */
export class Migration20261203120000_report_snapshots extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table customer_rfm_run (
      organization_id uuid not null primary key references organization (id) on delete cascade,
      as_of date not null,
      time_zone text not null,
      computed_at timestamptz not null,
      customers_without_visits int not null,
      requested_at timestamptz null);`);
    this.addSql(`create table customer_rfm (
      organization_id uuid not null references customer_rfm_run (organization_id) on delete cascade,
      customer_id uuid not null references customer (id) on delete cascade,
      last_visit_on date not null,
      recency_days int not null,
      frequency int not null,
      monetary bigint not null,
      r smallint not null,
      f smallint not null,
      m smallint not null,
      score smallint not null,
      rfm_class smallint not null,
      segment text not null,
      constraint customer_rfm_pkey primary key (organization_id, customer_id));`);
    // The report's page (R+F+M, then id, both descending) and the segment filter of segments.
    this.addSql(
      `create index customer_rfm_page_index on customer_rfm (organization_id, score desc, customer_id desc);`,
    );
    this.addSql(
      `create index customer_rfm_segment_index on customer_rfm (organization_id, segment, customer_id);`,
    );
    this.addSql(`create index customer_rfm_customer_index on customer_rfm (customer_id);`);
    // An archived customer leaves the snapshot at once (no report names or counts them): the list's
    // totalCount is then the snapshot's row count, with no join to customer.
    this.addSql(`create function customer_rfm_archived() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $fn$
      begin
        delete from customer_rfm where customer_id = new.id;
        return null;
      end $fn$;`);
    this.addSql(`create trigger customer_rfm_archived after update of archived_at on customer
      for each row when (old.archived_at is null and new.archived_at is not null)
      execute function customer_rfm_archived();`);

    this.addSql(`create table report_staff_day (
      organization_id uuid not null references organization (id) on delete cascade,
      store_id uuid not null,
      store_day date not null,
      org_day date not null,
      therapist_id uuid not null,
      customer_id uuid not null,
      lines int not null,
      visits int not null,
      rated int not null,
      satisfaction_sum int not null,
      first_at timestamptz not null,
      last_at timestamptz not null,
      rebooked boolean not null,
      constraint report_staff_day_key primary key (organization_id, store_id, store_day, org_day, therapist_id, customer_id));`);
    this.addSql(`create index report_staff_day_org_index on report_staff_day (organization_id, org_day)
      include (store_id, therapist_id, customer_id, lines, visits, rated, satisfaction_sum, rebooked);`);
    this.addSql(`create index report_staff_day_customer_index on report_staff_day (customer_id);`);
    this.addSql(`create table report_staff_revenue_day (
      organization_id uuid not null references organization (id) on delete cascade,
      store_id uuid not null,
      store_day date not null,
      org_day date not null,
      therapist_id uuid not null,
      amount bigint not null default 0,
      lines int not null default 0,
      constraint report_staff_revenue_day_key primary key (organization_id, store_id, store_day, org_day, therapist_id));`);
    this.addSql(
      `create index report_staff_revenue_day_org_index on report_staff_revenue_day (organization_id, org_day);`,
    );
    // Written only by the triggers' security definer functions, as the other rollups.
    this.addSql(`do $$ begin
      if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
        revoke insert, update, delete, truncate on report_staff_day, report_staff_revenue_day from wellness_runtime;
        grant select on report_staff_day, report_staff_revenue_day to wellness_runtime;
      end if;
    end $$;`);

    this.addSql(`create function report_staff_customers_refresh(customers uuid[]) returns void language sql
      security definer set search_path = public, pg_temp as $fn$
        delete from report_staff_day where customer_id = any(customers);
        ${STAFF_DAYS('v.customer_id = any(customers)')}
      $fn$;`);
    this.addSql(`create function report_staff_rebuild(target uuid) returns void language sql
      security definer set search_path = public, pg_temp as $fn$
        delete from report_staff_day where organization_id = target;
        ${STAFF_DAYS('v.organization_id = target')}
      $fn$;`);
    for (const [name, body] of Object.entries(STAFF_TRIGGER_FUNCTIONS))
      this.addSql(`create function ${name}() returns trigger language plpgsql security definer
        set search_path = public, pg_temp as $fn$
        begin
          ${body}
          return null;
        end $fn$;`);
    for (const { table, name, events } of STAFF_TRIGGERS)
      for (const event of events) {
        const tables =
          event === 'insert'
            ? 'new table as new_rows'
            : event === 'delete'
              ? 'old table as old_rows'
              : 'old table as old_rows new table as new_rows';
        this.addSql(`create trigger ${table}_${name}_${event} after ${event} on ${table}
          referencing ${tables} for each statement execute function ${name}_${event}();`);
      }
    // 客户构成 groups every live customer by tier, gender, age and source: an index-only scan of these
    // columns instead of the wide customer rows.
    this.addSql(
      `create index customer_composition_index on customer (organization_id) include (tier_id, gender, source, birthday, home_store_id) where archived_at is null;`,
    );
    this.addSql(`select report_staff_rebuild(id) from organization;`);
    this.addSql(`${STAFF_REVENUE('(select * from report_settled_line)', 1)}`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists customer_composition_index;`);
    for (const { table, name, events } of STAFF_TRIGGERS)
      for (const event of events)
        this.addSql(`drop trigger if exists ${table}_${name}_${event} on ${table};`);
    for (const name of Object.keys(STAFF_TRIGGER_FUNCTIONS))
      this.addSql(`drop function if exists ${name}();`);
    this.addSql(`drop function if exists report_staff_customers_refresh(uuid[]);`);
    this.addSql(`drop function if exists report_staff_rebuild(uuid);`);
    this.addSql(`drop table if exists report_staff_day;`);
    this.addSql(`drop table if exists report_staff_revenue_day;`);
    this.addSql(`drop trigger if exists customer_rfm_archived on customer;`);
    this.addSql(`drop function if exists customer_rfm_archived();`);
    this.addSql(`drop table if exists customer_rfm;`);
    this.addSql(`drop table if exists customer_rfm_run;`);
  }
}

/**
 * The staff rows of the visits `where` selects (alias `v`), recomputed from visit and visit_line:
 * per visit and therapist first (a visit's rating counts once per therapist, not per line), then per
 * row key. `rebooked`: a visit of the customer's, or an appointment not cancelled booked, after the
 * day's first visit with them and within 30 days of its last (the union of each visit's 30 days).
 */
const STAFF_DAYS = (where: string) => `
  insert into report_staff_day (organization_id, store_id, store_day, org_day, therapist_id, customer_id,
    lines, visits, rated, satisfaction_sum, first_at, last_at, rebooked)
  select f.*,
    exists (select 1 from visit w where w.customer_id = f.customer_id and w.visited_at > f.first_at
        and w.visited_at <= f.last_at + interval '30 days')
      or exists (select 1 from appointment a where a.customer_id = f.customer_id and a.organization_id = f.organization_id
        and a.status <> 'CANCELLED' and a.created_at > f.first_at and a.created_at <= f.last_at + interval '30 days')
  from (
    select g.organization_id, g.store_id, (g.visited_at at time zone s.timezone)::date,
      (g.visited_at at time zone o.timezone)::date, g.therapist_id, g.customer_id, sum(g.lines)::int, count(*)::int,
      count(g.satisfaction)::int, coalesce(sum(g.satisfaction), 0)::int, min(g.visited_at), max(g.visited_at)
    from (
      select v.organization_id, v.store_id, l.therapist_id, v.customer_id, v.id, v.visited_at, v.satisfaction,
        count(*) as lines
      from visit v join visit_line l on l.visit_id = v.id
      where ${where}
      group by v.organization_id, v.store_id, l.therapist_id, v.customer_id, v.id, v.visited_at, v.satisfaction
    ) g
    join store s on s.id = g.store_id
    join organization o on o.id = g.organization_id
    group by 1, 2, 3, 4, 5, 6
  ) f (organization_id, store_id, store_day, org_day, therapist_id, customer_id, lines, visits, rated,
    satisfaction_sum, first_at, last_at)
  order by 1, 2, 3, 4, 5, 6;`;

/** report_settled_line rows in (sign 1) or out (-1), summed per store, days and therapist. */
const STAFF_REVENUE = (rows: string, sign: number) => `
  insert into report_staff_revenue_day as r (organization_id, store_id, store_day, org_day, therapist_id, amount, lines)
  select l.organization_id, l.store_id, (l.settled_at at time zone s.timezone)::date,
    (l.settled_at at time zone o.timezone)::date, l.therapist_id, ${sign} * sum(l.amount), ${sign} * count(*)
  from ${rows} l
  join store s on s.id = l.store_id
  join organization o on o.id = l.organization_id
  group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
  on conflict on constraint report_staff_revenue_day_key do update set
    amount = r.amount + excluded.amount, lines = r.lines + excluded.lines;`;

/** The customers whose staff rows a statement's rows change: `rows` the transition tables it has. */
const REFRESH_CUSTOMERS = (customers: string) =>
  `perform report_staff_customers_refresh(array(select distinct customer_id from (${customers}) c order by 1));`;

const CUSTOMERS_OF_LINES = (rows: string) =>
  `select v.customer_id from ${rows} l join visit v on v.id = l.visit_id`;

const ZONE_CHANGED = (organizations: string) => `
  declare changed uuid;
  begin
    for changed in ${organizations} loop
      perform report_staff_rebuild(changed);
    end loop;
  end;`;

const STAFF_TRIGGER_FUNCTIONS: Record<string, string> = {
  report_staff_visit_insert: REFRESH_CUSTOMERS('select customer_id from new_rows'),
  report_staff_visit_update: REFRESH_CUSTOMERS(
    'select customer_id from new_rows union select customer_id from old_rows',
  ),
  report_staff_visit_delete: REFRESH_CUSTOMERS('select customer_id from old_rows'),
  report_staff_visit_line_insert: REFRESH_CUSTOMERS(CUSTOMERS_OF_LINES('new_rows')),
  report_staff_visit_line_update: REFRESH_CUSTOMERS(
    `${CUSTOMERS_OF_LINES('new_rows')} union ${CUSTOMERS_OF_LINES('old_rows')}`,
  ),
  report_staff_visit_line_delete: REFRESH_CUSTOMERS(CUSTOMERS_OF_LINES('old_rows')),
  report_staff_appointment_insert: REFRESH_CUSTOMERS('select customer_id from new_rows'),
  report_staff_appointment_update: REFRESH_CUSTOMERS(
    'select customer_id from new_rows union select customer_id from old_rows',
  ),
  report_staff_appointment_delete: REFRESH_CUSTOMERS('select customer_id from old_rows'),
  report_staff_revenue_insert: STAFF_REVENUE('new_rows', 1),
  report_staff_revenue_delete: STAFF_REVENUE('old_rows', -1),
  report_staff_revenue_update: `${STAFF_REVENUE('old_rows', -1)}\n${STAFF_REVENUE('new_rows', 1)}`,
  report_staff_store_zone_update: ZONE_CHANGED(`select distinct n.organization_id from new_rows n
    join old_rows o on o.id = n.id where n.timezone <> o.timezone order by 1`),
  report_staff_organization_zone_update:
    ZONE_CHANGED(`select n.id from new_rows n join old_rows o on o.id = n.id
    where n.timezone <> o.timezone order by 1`),
};

const ALL_EVENTS = ['insert', 'update', 'delete'];

const STAFF_TRIGGERS: { table: string; name: string; events: string[] }[] = [
  { table: 'visit', name: 'report_staff_visit', events: ALL_EVENTS },
  { table: 'visit_line', name: 'report_staff_visit_line', events: ALL_EVENTS },
  { table: 'appointment', name: 'report_staff_appointment', events: ALL_EVENTS },
  { table: 'report_settled_line', name: 'report_staff_revenue', events: ALL_EVENTS },
  { table: 'store', name: 'report_staff_store_zone', events: ['update'] },
  { table: 'organization', name: 'report_staff_organization_zone', events: ['update'] },
];
