import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { CONDITIONS } from '../src/seeders/demo-data';
import { FEEDBACK } from '../src/seeders/operations-data';
import { loadCustomers, prng } from './dataset';
import { load360 } from './pages-360';
import { loadCatalogue, type Catalogue, type Scope } from './pages-catalogue';
import { rows } from './pages-rows';

/**
 * What the list page shows beyond bench/dataset.ts's customers: two years of visits with their lines
 * (and the customers' aggregates recomputed from them), a stored-value account per customer, and
 * medical history. Visits are built in JavaScript from a seeded PRNG (the same data every run).
 */

const DAY = 24 * 3600 * 1000;

/**
 * Both organizations' data: the measured one at full size, the other (whose rows must never show) a
 * tenth of it. Returns the customers the 360 page is measured on, spread evenly over the codes.
 */
export async function loadPageData(
  client: Client,
  [measured, other]: Scope[],
  options: { customers: number; visits: number; profiles: number; managerId: string },
): Promise<string[]> {
  for (const [index, scope] of [measured, other].entries()) {
    const count = index === 0 ? options.customers : Math.ceil(options.customers / 10);
    await loadCustomers([client], {
      ...scope,
      count,
      seed: 20_261_201 + index,
      phoneOffset: index * 7_654_321,
    });
  }
  const { rows: profiled } = await client.query<{ id: string }>(
    `select id from (select id, row_number() over (order by code) as n from customer
                      where organization_id = $1 and archived_at is null) c
      where n % $2 = 1 order by n limit $3`,
    [
      measured.organizationId,
      Math.max(1, Math.floor((options.customers * 0.95) / options.profiles)),
      options.profiles,
    ],
  );
  const profileIds = profiled.map((row) => row.id);
  for (const [index, scope] of [measured, other].entries()) {
    const catalogue = await loadCatalogue(client, scope, `${index}-${randomUUID().slice(0, 8)}`);
    if (index === 0) await load360(client, { ...scope, managerId: options.managerId }, catalogue, profileIds);
    const count = Math.ceil(options.visits / (index === 0 ? 1 : 10));
    const regulars = index === 0 ? profileIds : [];
    await loadVisits(client, scope, catalogue, { count, seed: 42 + index, regulars, extraVisits: 30 });
    await loadAccounts(client, scope);
    await loadMedicalHistory(client, scope);
  }
  return profileIds;
}

/**
 * `count` visits over the last two years (never before the customer joined), a few customers coming
 * far more often than most, plus `extraVisits` for each of `regulars`; 1–2 lines each, and the
 * customers' visit count, last visit and lifetime spend recomputed from them.
 */
export async function loadVisits(
  client: Client,
  scope: Scope,
  catalogue: Catalogue,
  options: { count: number; seed: number; regulars: string[]; extraVisits: number },
): Promise<void> {
  const random = prng(options.seed);
  const { rows: customers } = await client.query<{ id: string; created_at: Date }>(
    'select id, created_at from customer where organization_id = $1 and archived_at is null order by code',
    [scope.organizationId],
  );
  if (customers.length === 0) return;
  const now = Date.now();
  const since = now - 730 * DAY;
  const created = new Map(customers.map((customer) => [customer.id, customer.created_at.getTime()]));
  const visitCustomers: string[] = [];
  for (let index = 0; index < options.count; index++) {
    // random()^1.6 favours the first codes: a long tail of regulars and many occasional customers.
    visitCustomers.push(customers[Math.floor(random() ** 1.6 * customers.length)].id);
  }
  for (const id of options.regulars)
    for (let visit = 0; visit < options.extraVisits; visit++) visitCustomers.push(id);

  const visits = rows(
    'visit',
    `id uuid, customer_id uuid, visited_at timestamptz, created_at timestamptz, updated_at timestamptz,
     effect visit_effect, satisfaction smallint, feedback varchar`,
  );
  const lines = rows(
    'visit_line',
    `id uuid, visit_id uuid, position smallint, service_id uuid, therapist_id uuid, duration_minutes int,
     body_area varchar, list_price int, created_at timestamptz, updated_at timestamptz`,
  );
  for (const customerId of visitCustomers) {
    const from = Math.max(since, created.get(customerId)!);
    const at = new Date(Math.floor(from + random() * (now - 3600_000 - from))).toISOString();
    const id = randomUUID();
    const [effect, feedback] = FEEDBACK[Math.floor(random() * FEEDBACK.length)];
    const withFeedback = random() < 0.4;
    visits.add({
      id,
      customer_id: customerId,
      visited_at: at,
      created_at: at,
      updated_at: at,
      effect: withFeedback || random() < 0.5 ? effect : null,
      feedback: withFeedback ? feedback : null,
      satisfaction: random() < 0.8 ? 3 + Math.floor(random() * 3) : null,
    });
    for (let position = 1; position <= (random() < 0.35 ? 2 : 1); position++) {
      const service = catalogue.services[Math.floor(random() * catalogue.services.length)];
      lines.add({
        id: randomUUID(),
        visit_id: id,
        position,
        service_id: service.id,
        therapist_id: catalogue.therapistIds[Math.floor(random() * catalogue.therapistIds.length)],
        duration_minutes: service.minutes,
        body_area: service.bodyArea,
        list_price: service.price,
        created_at: at,
        updated_at: at,
      });
    }
  }
  const organization = { organization_id: scope.organizationId };
  await visits.insert(client, { ...organization, store_id: scope.storeId });
  await lines.insert(client, organization);
  // The aggregates the list shows (status from the last visit), as recording a visit keeps them.
  await client.query(
    `update customer c
        set visit_count = coalesce(v.visits, 0), last_visit_at = v.last_visit, lifetime_spend = coalesce(l.spend, 0)
       from customer c2
       left join (select customer_id, count(*) as visits, max(visited_at) as last_visit
                    from visit where organization_id = $1 group by customer_id) v on v.customer_id = c2.id
       left join (select x.customer_id, sum(y.list_price) as spend
                    from visit x join visit_line y on y.visit_id = x.id
                   where x.organization_id = $1 group by x.customer_id) l on l.customer_id = c2.id
      where c.id = c2.id and c.organization_id = $1`,
    [scope.organizationId],
  );
}

/**
 * A stored-value wallet for every customer without one: 60 % hold a balance (20 % with 赠送), booked
 * as one TOP_UP entry so the balances equal their ledger.
 */
export async function loadAccounts(client: Client, scope: Scope): Promise<void> {
  await client.query(
    `with picked as materialized (
       select c.id, c.created_at, random() as roll, random() as size from customer c
        where c.organization_id = $1
          and not exists (select 1 from account a where a.customer_id = c.id and a.kind = 'STORED_VALUE'))
     insert into account (id, organization_id, created_at, updated_at, customer_id, kind, principal, bonus)
     select gen_random_uuid(), $1, p.created_at, p.created_at, p.id, 'STORED_VALUE', p.principal,
            case when p.roll < 0.2 then p.principal / 10 else 0 end
       from (select *, case when roll < 0.6 then (1 + floor(size * 5000))::bigint * 100 else 0 end as principal
               from picked) p`,
    [scope.organizationId],
  );
  await client.query(
    `insert into ledger_entry (id, organization_id, created_at, updated_at, account_id, customer_id, kind,
       principal_delta, bonus_delta, principal_after, bonus_after, units_after, operation_id, store_id,
       amount_paid, payment_method, note)
     select gen_random_uuid(), a.organization_id, a.created_at, a.created_at, a.id, a.customer_id, 'TOP_UP',
            a.principal, a.bonus, a.principal, a.bonus, 0, gen_random_uuid(), $2, a.principal, 'WECHAT_PAY', '储值'
       from account a
      where a.organization_id = $1 and a.kind = 'STORED_VALUE' and (a.principal > 0 or a.bonus > 0)
        and not exists (select 1 from ledger_entry e where e.account_id = a.id)`,
    [scope.organizationId, scope.storeId],
  );
}

/** 既往病史 for about 12 % of the customers, a second condition for a quarter of those. */
export async function loadMedicalHistory(client: Client, scope: Scope): Promise<void> {
  await client.query(
    `with picked as materialized (
       select c.id, c.created_at, random() as roll, random() as pick from customer c where c.organization_id = $1)
     insert into medical_condition (id, organization_id, created_at, updated_at, customer_id, recorded_at,
       condition, since, status)
     select gen_random_uuid(), $1, p.created_at, p.created_at, p.id, p.created_at + (n.n - 1) * interval '1 day',
            ($2::text[])[1 + (floor(p.pick * cardinality($2::text[]))::int + n.n - 1) % cardinality($2::text[])],
            (p.created_at - interval '3 years')::date, 'ACTIVE'
       from picked p cross join generate_series(1, 2) as n(n)
      where p.roll < 0.12 and (n.n = 1 or p.roll < 0.03)`,
    [scope.organizationId, CONDITIONS],
  );
}
