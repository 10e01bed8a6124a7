import { Migration } from '@mikro-orm/migrations';

/**
 * Daily rollups of the period reports (issue 15 "Speed"), kept by the database itself in the writing
 * transaction: statement-level triggers on the source tables add each statement's rows, grouped, to
 * the day rows (an upsert per day and key, so a checkout of three lines touches a handful of rows).
 * Every writer is covered without remembering it: checkout, ledger postings, reversals and refunds,
 * the import's opening balances, merges, plain SQL.
 *
 * A row is keyed by organization, store, `store_day` (the local date in the store's zone; the
 * organization's for ledger entries without a store) and `org_day` (the local date in the
 * organization's zone): a store's report groups by the first, an organization's by the second, both
 * exact even when a store's zone is not the organization's.
 *
 * - report_revenue_day: card_sales (ledger `amount_paid`, negative on refunds and reversed sales;
 *   OPENING_BALANCE and TRANSFER entries are not revenue: an opening balance was paid before the
 *   system and a transfer moves what a customer already owned), checkout_payments (a settlement's
 *   external payments), consumed (a settled visit's lines at list price less discount and coupons)
 *   and settlements, by the settlement's or entry's time.
 * - report_service_day: visit lines (count, list prices) per service and therapist, by visit time.
 * - report_settled_visit: a row per settlement, what it consumed, its visit's time and store (RFM,
 *   consultants' spend); report_settled_line: a row per settled line at its settled price (员工绩效);
 *   report_first_visit: each customer's first visit (new or returning visitors, cohorts).
 *
 * What the triggers cannot add up row by row rebuilds the organization's rollups from the source
 * (`report_rollups_rebuild`): a change of a store's or the organization's time zone, and a visit
 * moved in time or to another store. The same function backfills them here.
 */
export class Migration20261202100000_report_rollups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table report_revenue_day (
      organization_id uuid not null references organization (id) on delete cascade,
      store_id uuid null,
      store_day date not null,
      org_day date not null,
      card_sales bigint not null default 0,
      checkout_payments bigint not null default 0,
      consumed bigint not null default 0,
      settlements int not null default 0,
      constraint report_revenue_day_key unique nulls not distinct (organization_id, store_id, store_day, org_day));`);
    this.addSql(
      `create index report_revenue_day_org_index on report_revenue_day (organization_id, org_day);`,
    );
    this.addSql(`create table report_service_day (
      organization_id uuid not null references organization (id) on delete cascade,
      store_id uuid not null,
      store_day date not null,
      org_day date not null,
      service_id uuid not null,
      therapist_id uuid not null,
      lines int not null default 0,
      list_price bigint not null default 0,
      constraint report_service_day_key primary key (organization_id, store_id, store_day, org_day, service_id, therapist_id));`);
    this.addSql(
      `create index report_service_day_org_index on report_service_day (organization_id, org_day);`,
    );

    this.addSql(`create table report_settled_visit (
      settlement_id uuid not null primary key,
      organization_id uuid not null references organization (id) on delete cascade,
      customer_id uuid not null,
      store_id uuid not null,
      visited_at timestamptz not null,
      settled_at timestamptz not null,
      consumed bigint not null);`);
    this
      .addSql(`create index report_settled_visit_visited_index on report_settled_visit (organization_id, visited_at)
      include (customer_id, store_id, consumed);`);
    this
      .addSql(`create index report_settled_visit_settled_index on report_settled_visit (organization_id, settled_at)
      include (customer_id, store_id, consumed);`);
    this.addSql(`create table report_settled_line (
      visit_line_id uuid not null primary key,
      settlement_id uuid not null,
      organization_id uuid not null references organization (id) on delete cascade,
      store_id uuid not null,
      settled_at timestamptz not null,
      therapist_id uuid not null,
      amount bigint not null);`);
    this.addSql(`create index report_settled_line_settlement_index on report_settled_line (settlement_id);`);
    this
      .addSql(`create index report_settled_line_settled_index on report_settled_line (organization_id, settled_at)
      include (store_id, therapist_id, amount);`);
    this.addSql(`create table report_first_visit (
      customer_id uuid not null primary key,
      organization_id uuid not null references organization (id) on delete cascade,
      first_visit_at timestamptz not null);`);
    this.addSql(`create index report_first_visit_index on report_first_visit (organization_id, first_visit_at)
      include (customer_id);`);

    // Requests read the rollups; only the triggers (security definer, as the owner) write them.
    this.addSql(`do $$ begin
      if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
        revoke insert, update, delete, truncate on ${ROLLUPS.join(', ')} from wellness_runtime;
        grant select on ${ROLLUPS.join(', ')} to wellness_runtime;
      end if;
    end $$;`);

    // The first visit of customers whose visits changed, from their visits (an index range each).
    this.addSql(`create function report_first_visit_refresh(customers uuid[]) returns void language sql
      security definer set search_path = public, pg_temp as $fn$
        delete from report_first_visit where customer_id = any(customers);
        insert into report_first_visit (customer_id, organization_id, first_visit_at)
        select customer_id, organization_id, min(visited_at) from visit
        where customer_id = any(customers) group by customer_id, organization_id;
      $fn$;`);
    // The settled price of every line of these settlements, from their lines now (see SETTLED_LINES).
    this.addSql(`create function report_settled_lines_refresh(settlements uuid[]) returns void language sql
      security definer set search_path = public, pg_temp as $fn$
        delete from report_settled_line where settlement_id = any(settlements);
        ${SETTLED_LINES('(select * from settlement where id = any(settlements))')}
      $fn$;`);
    for (const [name, body] of Object.entries(TRIGGER_FUNCTIONS)) {
      this.addSql(`create function ${name}() returns trigger language plpgsql security definer
        set search_path = public, pg_temp as $fn$
        begin
          ${body}
          return null;
        end $fn$;`);
    }
    this
      .addSql(`create function report_rollups_rebuild(target uuid) returns void language plpgsql security definer
      set search_path = public, pg_temp as $fn$
      begin
        ${ROLLUPS.map((table) => `delete from ${table} where organization_id = target;`).join('\n')}
        ${REBUILD}
      end $fn$;`);
    // Rebuilds of the organizations whose rows a statement changed in a way no day row can follow.
    for (const [name, changed] of Object.entries(REBUILT_ON)) {
      this.addSql(`create function ${name}() returns trigger language plpgsql security definer
        set search_path = public, pg_temp as $fn$
        declare changed uuid;
        begin
          for changed in ${changed} loop
            perform report_rollups_rebuild(changed);
          end loop;
          return null;
        end $fn$;`);
    }
    // A visit deleted cascades to its lines after the visit is gone, when no line can say when and
    // where it was given: its lines go first, while it is still there.
    this.addSql(`create function report_visit_lines_first() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $fn$
      begin
        delete from visit_line where visit_id = old.id;
        return old;
      end $fn$;`);

    for (const { table, name } of TRIGGERS) {
      this.addSql(`create trigger ${table}_rollup_insert after insert on ${table}
        referencing new table as new_rows for each statement execute function ${name}_insert();`);
      if (table === 'ledger_entry') continue; // append-only: a trigger refuses UPDATE and DELETE
      this.addSql(`create trigger ${table}_rollup_update after update on ${table}
        referencing old table as old_rows new table as new_rows for each statement execute function ${name}_update();`);
      this.addSql(`create trigger ${table}_rollup_delete after delete on ${table}
        referencing old table as old_rows for each statement execute function ${name}_delete();`);
    }
    this.addSql(`create trigger visit_rollup_lines_first before delete on visit
      for each row execute function report_visit_lines_first();`);
    this.addSql(`create trigger visit_rollup_moved after update on visit
      referencing old table as old_rows new table as new_rows for each statement
      execute function report_rollups_visit_moved();`);
    this.addSql(`create trigger store_rollup_zone after update on store
      referencing old table as old_rows new table as new_rows for each statement
      execute function report_rollups_store_zone();`);
    this.addSql(`create trigger organization_rollup_zone after update on organization
      referencing old table as old_rows new table as new_rows for each statement
      execute function report_rollups_organization_zone();`);

    // Indexes the reports read the source by (visits and settlements of an organization in a period).
    this.addSql(
      `create index settlement_organization_created_index on settlement (organization_id, created_at);`,
    );
    this.addSql(
      `create index visit_report_index on visit (organization_id, visited_at) include (id, customer_id, store_id);`,
    );
    this.addSql(`select report_rollups_rebuild(id) from organization;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists settlement_organization_created_index;`);
    this.addSql(`drop index if exists visit_report_index;`);
    this.addSql(`drop trigger if exists organization_rollup_zone on organization;`);
    this.addSql(`drop trigger if exists store_rollup_zone on store;`);
    this.addSql(`drop trigger if exists visit_rollup_moved on visit;`);
    this.addSql(`drop trigger if exists visit_rollup_lines_first on visit;`);
    for (const { table } of TRIGGERS)
      for (const event of ['insert', 'update', 'delete'])
        this.addSql(`drop trigger if exists ${table}_rollup_${event} on ${table};`);
    for (const name of [
      ...Object.keys(TRIGGER_FUNCTIONS),
      ...Object.keys(REBUILT_ON),
      'report_visit_lines_first',
    ])
      this.addSql(`drop function if exists ${name}();`);
    this.addSql(`drop function if exists report_rollups_rebuild(uuid);`);
    for (const table of ROLLUPS) this.addSql(`drop table if exists ${table};`);
    this.addSql(`drop function if exists report_first_visit_refresh(uuid[]);`);
    this.addSql(`drop function if exists report_settled_lines_refresh(uuid[]);`);
  }
}

/** Statuses of ledger entries that move no revenue (see the class comment). */
const NOT_REVENUE = `('OPENING_BALANCE', 'TRANSFER')`;

/** The local date of an instant in a zone. */
const day = (instant: string, zone: string) => `(${instant} at time zone ${zone})::date`;

/**
 * Each source's contribution: `rows` the changed rows (a transition table, or the organization's
 * rows when rebuilding), `sign` 1 to add them, -1 to take them out. Grouped and ordered by the key,
 * so concurrent writers lock the day rows in one order.
 */
const REVENUE_FROM_LEDGER = (rows: string, sign: number) => `
  insert into report_revenue_day as r (organization_id, store_id, store_day, org_day, card_sales)
  select e.organization_id, e.store_id, ${day('e.created_at', 'coalesce(s.timezone, o.timezone)')},
    ${day('e.created_at', 'o.timezone')}, ${sign} * sum(e.amount_paid)
  from ${rows} e
  join organization o on o.id = e.organization_id
  left join store s on s.id = e.store_id
  where e.amount_paid is not null and e.kind::text not in ${NOT_REVENUE}
  group by 1, 2, 3, 4 order by 1, 2, 3, 4
  on conflict on constraint report_revenue_day_key do update set card_sales = r.card_sales + excluded.card_sales;`;

/** A settlement: its external payments, what it consumed (every line of its visit at list price). */
const REVENUE_FROM_SETTLEMENTS = (rows: string, sign: number) => `
  insert into report_revenue_day as r (organization_id, store_id, store_day, org_day, checkout_payments,
    consumed, settlements)
  select x.organization_id, v.store_id, ${day('x.created_at', 's.timezone')}, ${day('x.created_at', 'o.timezone')},
    ${sign} * sum((select coalesce(sum((p ->> 'amount')::bigint), 0) from jsonb_array_elements(x.external_payments) p)),
    ${sign} * sum((select coalesce(sum(l.list_price), 0) from visit_line l where l.visit_id = x.visit_id)
      - x.discount - x.coupon_discount),
    ${sign} * count(*)
  from ${rows} x
  join visit v on v.id = x.visit_id
  join store s on s.id = v.store_id
  join organization o on o.id = x.organization_id
  group by 1, 2, 3, 4 order by 1, 2, 3, 4
  on conflict on constraint report_revenue_day_key do update set
    checkout_payments = r.checkout_payments + excluded.checkout_payments,
    consumed = r.consumed + excluded.consumed, settlements = r.settlements + excluded.settlements;`;

/** A line added to or taken from a settled visit changes what its settlement consumed. */
const REVENUE_FROM_LINES = (rows: string, sign: number) => `
  insert into report_revenue_day as r (organization_id, store_id, store_day, org_day, consumed)
  select x.organization_id, v.store_id, ${day('x.created_at', 's.timezone')}, ${day('x.created_at', 'o.timezone')},
    ${sign} * sum(l.list_price)
  from ${rows} l
  join settlement x on x.visit_id = l.visit_id
  join visit v on v.id = l.visit_id
  join store s on s.id = v.store_id
  join organization o on o.id = x.organization_id
  group by 1, 2, 3, 4 order by 1, 2, 3, 4
  on conflict on constraint report_revenue_day_key do update set consumed = r.consumed + excluded.consumed;`;

const SERVICES_FROM_LINES = (rows: string, sign: number) => `
  insert into report_service_day as r (organization_id, store_id, store_day, org_day, service_id, therapist_id,
    lines, list_price)
  select l.organization_id, v.store_id, ${day('v.visited_at', 's.timezone')}, ${day('v.visited_at', 'o.timezone')},
    l.service_id, l.therapist_id, ${sign} * count(*), ${sign} * sum(l.list_price)
  from ${rows} l
  join visit v on v.id = l.visit_id
  join store s on s.id = v.store_id
  join organization o on o.id = l.organization_id
  group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6
  on conflict on constraint report_service_day_key do update set
    lines = r.lines + excluded.lines, list_price = r.list_price + excluded.list_price;`;

/** One row per settlement: what it consumed, its visit's time and store (RFM, consultants' spend). */
const SETTLED_VISITS = (rows: string, sign: number) =>
  sign < 0
    ? `delete from report_settled_visit where settlement_id in (select id from ${rows});`
    : `insert into report_settled_visit (settlement_id, organization_id, customer_id, store_id, visited_at,
         settled_at, consumed)
       select x.id, x.organization_id, x.customer_id, v.store_id, v.visited_at, x.created_at,
         (select coalesce(sum(l.list_price), 0) from visit_line l where l.visit_id = x.visit_id)
           - x.discount - x.coupon_discount
       from ${rows} x join visit v on v.id = x.visit_id;`;

/** A line added to or taken from a settled visit changes what its settlement consumed. */
const SETTLED_VISITS_FROM_LINES = (rows: string, sign: number) => `
  update report_settled_visit r set consumed = r.consumed + d.delta
  from (select x.id, ${sign} * sum(l.list_price) as delta from ${rows} l join settlement x on x.visit_id = l.visit_id
        group by x.id order by x.id) d
  where r.settlement_id = d.id;`;

/** A visit's customer's first visit: the earlier of it and the new visits; else from the visits left. */
const FIRST_VISITS = (rows: string, sign: number) =>
  sign > 0
    ? `insert into report_first_visit as r (customer_id, organization_id, first_visit_at)
       select customer_id, organization_id, min(visited_at) from ${rows}
       group by customer_id, organization_id order by customer_id
       on conflict (customer_id) do update set first_visit_at = least(r.first_visit_at, excluded.first_visit_at);`
    : `perform report_first_visit_refresh(array(select distinct customer_id from ${rows}));`;

/**
 * 员工绩效's revenue per line: a settlement's tier discount and coupons D spread over its visit's lines
 * by list price, each line taking floor(D·through/S) − floor(D·before/S) (through/before: list prices
 * up to and before it in line order), so the lines of a settlement add up to what it consumed.
 */
const SETTLED_LINES = (settlements: string) => `
  insert into report_settled_line (visit_line_id, settlement_id, organization_id, store_id, settled_at,
    therapist_id, amount)
  select t.id, t.settlement_id, t.organization_id, t.store_id, t.settled_at, t.therapist_id,
    t.list_price - case when t.whole = 0 then 0 else
      floor(t.off::numeric * t.through / t.whole) - floor(t.off::numeric * (t.through - t.list_price) / t.whole)
    end
  from (
    select l.id, x.id as settlement_id, x.organization_id, v.store_id, x.created_at as settled_at, l.therapist_id,
      l.list_price, x.discount + x.coupon_discount as off,
      sum(l.list_price) over (partition by x.id) as whole,
      sum(l.list_price) over (partition by x.id order by l.position, l.id) as through
    from ${settlements} x
    join visit v on v.id = x.visit_id
    join visit_line l on l.visit_id = x.visit_id
  ) t;`;

/** Settlements written, or whose visit's lines changed: their lines' settled prices again. */
const SETTLED_LINES_OF = (settlementIds: string) => (rows: string, sign: number) =>
  sign < 0 && settlementIds === 'id'
    ? `delete from report_settled_line where settlement_id in (select id from ${rows});`
    : `perform report_settled_lines_refresh(array(select distinct ${settlementIds} from ${rows}));`;

type Contribution = (rows: string, sign: number) => string;

const SOURCES: { table: string; name: string; contributions: Contribution[] }[] = [
  { table: 'ledger_entry', name: 'report_rollup_ledger', contributions: [REVENUE_FROM_LEDGER] },
  {
    table: 'settlement',
    name: 'report_rollup_settlement',
    contributions: [REVENUE_FROM_SETTLEMENTS, SETTLED_VISITS, SETTLED_LINES_OF('id')],
  },
  {
    table: 'visit_line',
    name: 'report_rollup_visit_line',
    contributions: [
      SERVICES_FROM_LINES,
      REVENUE_FROM_LINES,
      SETTLED_VISITS_FROM_LINES,
      (rows) => SETTLED_LINES_OF('x.id')(`${rows} l join settlement x on x.visit_id = l.visit_id`, 1),
    ],
  },
  { table: 'visit', name: 'report_rollup_visit', contributions: [FIRST_VISITS] },
];

const ROLLUPS = [
  'report_revenue_day',
  'report_service_day',
  'report_settled_visit',
  'report_settled_line',
  'report_first_visit',
];

const TRIGGERS = SOURCES.map(({ table, name }) => ({ table, name }));

const TRIGGER_FUNCTIONS: Record<string, string> = Object.fromEntries(
  SOURCES.flatMap(({ name, contributions }) => [
    [`${name}_insert`, contributions.map((add) => add('new_rows', 1)).join('\n')],
    [`${name}_delete`, contributions.map((add) => add('old_rows', -1)).join('\n')],
    [
      `${name}_update`,
      contributions.map((add) => `${add('old_rows', -1)}\n${add('new_rows', 1)}`).join('\n'),
    ],
  ]),
);

/** Per trigger function: the organizations whose rollups its statement's changes make stale. */
const REBUILT_ON: Record<string, string> = {
  report_rollups_visit_moved: `select distinct n.organization_id from new_rows n join old_rows o on o.id = n.id
    where n.visited_at <> o.visited_at or n.store_id <> o.store_id order by 1`,
  report_rollups_store_zone: `select distinct n.organization_id from new_rows n join old_rows o on o.id = n.id
    where n.timezone <> o.timezone order by 1`,
  report_rollups_organization_zone: `select n.id from new_rows n join old_rows o on o.id = n.id
    where n.timezone <> o.timezone order by 1`,
};

/** The organization's rollups from its source rows, as the triggers would have added them one by one. */
const REBUILD = [
  REVENUE_FROM_LEDGER('(select * from ledger_entry where organization_id = target)', 1),
  REVENUE_FROM_SETTLEMENTS('(select * from settlement where organization_id = target)', 1),
  SERVICES_FROM_LINES('(select * from visit_line where organization_id = target)', 1),
  SETTLED_VISITS('(select * from settlement where organization_id = target)', 1),
  SETTLED_LINES('(select * from settlement where organization_id = target)'),
  FIRST_VISITS('(select * from visit where organization_id = target)', 1),
].join('\n');
