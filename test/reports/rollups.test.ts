import { Store } from '../../src/entities';
import { todayIn } from '../../src/core/time';
import { addDays } from '../../src/services/reports/period';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, newKey, sellCard, type CardProductsFixture } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

/**
 * The report rollups (report_revenue_day, report_service_day) against the rows they are built from:
 * after a random mix of every writer in two organizations, each with a store in another time zone,
 * the rollups equal a recomputation from the source rows written here, and the reports equal the
 * same figures computed from the source. A writer the triggers miss makes both differ.
 */

let testApp: TestApp;

interface Tenant {
  org: OrganizationFixture;
  menu: CatalogueFixture;
  cards: CardProductsFixture;
  /** The main store (Asia/Shanghai, the organization's zone) and a branch in Asia/Tokyo. */
  stores: string[];
  customers: string[];
  /** Ledger entries with money (sales, refunds) that a reversal may undo. */
  reversible: string[];
}

const tenants: Tenant[] = [];

/** A small seeded PRNG (mulberry32): the same mix every run. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = prng(15);
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];

async function run(token: string, query: string, variables: Record<string, unknown>) {
  const result = await execute(testApp, token, query, variables);
  return result;
}

async function must(token: string, query: string, variables: Record<string, unknown>) {
  const result = await run(token, query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!;
}

const SETTLE = `mutation($input: SettleVisitInput!) { settleVisit(input: $input) { settlement { due { minorUnits } } } }`;

/** A visit of 1–3 lines at a random store, up to three days back, then (mostly) its checkout. */
async function visitAndSettle(tenant: Tenant) {
  const { org, menu } = tenant;
  const customerId = pick(tenant.customers);
  const services = [menu.massage.id, menu.haircut.id, menu.massage.id].slice(0, 1 + Math.floor(random() * 3));
  const visit = await must(
    org.tokens.FRONT_DESK,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id lines { id service { id } listPrice { minorUnits } } } }`,
    {
      input: {
        customerId,
        storeId: pick(tenant.stores),
        visitedAt: new Date(Date.now() - Math.floor(random() * 72 * 3_600_000)).toISOString(),
        lines: services.map((serviceId) => ({ serviceId, therapistId: org.users.THERAPIST.id })),
      },
    },
  );
  const { id: visitId, lines } = visit.recordVisit as {
    id: string;
    lines: { id: string; service: { id: string }; listPrice: { minorUnits: number } }[];
  };
  if (random() < 0.15) return; // left unsettled: in the ranking, not in the revenue
  const cards = await must(
    org.tokens.FRONT_DESK,
    `query($id: ID!) { customer(id: $id) { tier { discountBasisPoints } accounts { id kind units balance { minorUnits } } } }`,
    { id: customerId },
  );
  const accounts = cards.customer.accounts as {
    id: string;
    kind: string;
    units: number;
    balance: { minorUnits: number };
  }[];
  const card = accounts.find((account) => account.kind === 'PUNCH_CARD' && account.units > 0);
  const massage = lines.find((line) => line.service.id === menu.massage.id);
  const punches = card && massage && random() < 0.7 ? [{ visitLineId: massage.id, accountId: card.id }] : [];
  // What checkout-price.ts charges: the lines not punched, less the tier's discount (no coupons here).
  const subtotal = lines
    .filter((line) => !punches.some((punch) => punch.visitLineId === line.id))
    .reduce((sum, line) => sum + line.listPrice.minorUnits, 0);
  const basisPoints = (cards.customer.tier?.discountBasisPoints as number | undefined) ?? 0;
  const due = subtotal - Math.floor((subtotal * basisPoints) / 10_000);
  const stored = accounts.find((account) => account.kind === 'STORED_VALUE')?.balance.minorUnits ?? 0;
  const fromStored = random() < 0.5 ? Math.min(stored, due) : 0;
  const method = pick(['WECHAT_PAY', 'CASH', 'ALIPAY']);
  await must(org.tokens.FRONT_DESK, SETTLE, {
    input: {
      idempotencyKey: newKey('settle'),
      visitId,
      punches,
      storedValueMinorUnits: fromStored,
      externalPayments: due > fromStored ? [{ method, amountMinorUnits: due - fromStored }] : [],
    },
  });
}

/** A top-up or a punch card sold at a store, or with no store named. */
async function sale(tenant: Tenant) {
  const product = random() < 0.5 ? tenant.cards.topUp.id : tenant.cards.massageCard.id;
  const storeId = random() < 0.3 ? undefined : pick(tenant.stores);
  const result = await sellCard(testApp, tenant.org.tokens.FRONT_DESK, pick(tenant.customers), product, {
    ...(storeId ? { storeId } : {}),
  });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  tenant.reversible.push(...(result.data!.sellCard.entries as { id: string }[]).map((entry) => entry.id));
}

/** 冲正 of an earlier sale; refused when its value was used since (then nothing is posted). */
async function reversal(tenant: Tenant) {
  if (!tenant.reversible.length) return;
  const entryId = tenant.reversible.splice(Math.floor(random() * tenant.reversible.length), 1)[0];
  await run(
    tenant.org.tokens.MANAGER,
    `mutation($input: ReverseEntryInput!) { reverseLedgerEntry(input: $input) { operationId } }`,
    { input: { idempotencyKey: newKey('reverse'), entryId, reason: '录入错误' } },
  );
}

/** 退卡; refused when the customer has no stored value left. */
async function refund(tenant: Tenant) {
  await run(
    tenant.org.tokens.MANAGER,
    `mutation($input: RefundStoredValueInput!) { refundStoredValue(input: $input) { operationId } }`,
    {
      input: {
        customerId: pick(tenant.customers),
        payment: { method: 'CASH' },
        reason: '客户搬家',
        idempotencyKey: newKey('refund'),
      },
    },
  );
}

/** 储值消费 outside a checkout and 核销 of a punch: ledger entries that are no revenue. */
async function spend(tenant: Tenant) {
  await run(
    tenant.org.tokens.FRONT_DESK,
    `mutation($input: ChargeStoredValueInput!) { chargeStoredValue(input: $input) { operationId } }`,
    {
      input: {
        idempotencyKey: newKey('charge'),
        customerId: pick(tenant.customers),
        amountMinorUnits: 1_000,
        storeId: pick(tenant.stores),
      },
    },
  );
}

beforeAll(async () => {
  testApp = await createTestApp();
  for (const name of ['汇总甲店', '汇总乙店']) {
    const org = await createOrganization(testApp, name);
    const menu = await createCatalogue(testApp, org);
    const cards = await createCardProducts(testApp, org, menu);
    const em = testApp.orm.em.fork();
    const branch = em.create(Store, {
      organization: org.organizationId,
      name: '东京分店',
      code: 'TYO',
      timezone: 'Asia/Tokyo',
    });
    await em.flush();
    const customers: string[] = [];
    for (const customerName of ['汇总一', '汇总二', '汇总三', '汇总四'])
      customers.push((await createCustomer(testApp, org, customerName)).id);
    tenants.push({ org, menu, cards, stores: [org.storeId, branch.id], customers, reversible: [] });
  }
  const writers = [visitAndSettle, visitAndSettle, visitAndSettle, sale, sale, reversal, refund, spend];
  for (let step = 0; step < 48; step++) await pick(writers)(pick(tenants));
}, 120_000);
afterAll(() => testApp.close());

type Row = Record<string, string | number | null>;

async function rows(sql: string, params: unknown[]): Promise<Row[]> {
  const result = await testApp.orm.em.getConnection().execute<Row[]>(sql, params);
  return result.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value,
      ]),
    ),
  );
}

/** The rollups of an organization, rows of zeroes left out (a reversal takes a day back to zero). */
const ROLLED_REVENUE = `select store_id, to_char(store_day, 'YYYY-MM-DD') as store_day,
    to_char(org_day, 'YYYY-MM-DD') as org_day, card_sales, checkout_payments, consumed, settlements
  from report_revenue_day where organization_id = ?
    and (card_sales, checkout_payments, consumed, settlements) <> (0, 0, 0, 0)
  order by 1, 2, 3`;

/**
 * The same from the source rows: money taken with ledger entries (no opening balance or transfer),
 * each settlement's external payments and its visit's lines less discounts, on the local days of
 * the store (the organization's zone without a store) and of the organization.
 */
const SOURCE_REVENUE = `select store_id, to_char(store_day, 'YYYY-MM-DD') as store_day,
    to_char(org_day, 'YYYY-MM-DD') as org_day, sum(card_sales)::bigint as card_sales,
    sum(checkout_payments)::bigint as checkout_payments, sum(consumed)::bigint as consumed,
    sum(settlements)::int as settlements
  from (
    select e.store_id, (e.created_at at time zone coalesce(s.timezone, o.timezone))::date as store_day,
      (e.created_at at time zone o.timezone)::date as org_day, e.amount_paid as card_sales,
      0 as checkout_payments, 0 as consumed, 0 as settlements
    from ledger_entry e join organization o on o.id = e.organization_id left join store s on s.id = e.store_id
    where e.organization_id = ? and e.amount_paid is not null and e.kind::text not in ('OPENING_BALANCE', 'TRANSFER')
    union all
    select v.store_id, (x.created_at at time zone s.timezone)::date, (x.created_at at time zone o.timezone)::date, 0,
      (select coalesce(sum((p ->> 'amount')::bigint), 0) from jsonb_array_elements(x.external_payments) p),
      (select sum(l.list_price) from visit_line l where l.visit_id = x.visit_id) - x.discount - x.coupon_discount, 1
    from settlement x join visit v on v.id = x.visit_id join store s on s.id = v.store_id
      join organization o on o.id = x.organization_id
    where x.organization_id = ?
  ) source
  group by 1, 2, 3
  having (sum(card_sales), sum(checkout_payments), sum(consumed), sum(settlements)) <> (0, 0, 0, 0)
  order by 1, 2, 3`;

const ROLLED_SERVICES = `select store_id, to_char(store_day, 'YYYY-MM-DD') as store_day,
    to_char(org_day, 'YYYY-MM-DD') as org_day, service_id, therapist_id, lines, list_price
  from report_service_day where organization_id = ? and lines <> 0 order by 1, 2, 3, 4, 5`;

const SOURCE_SERVICES = `select v.store_id, to_char((v.visited_at at time zone s.timezone)::date, 'YYYY-MM-DD') as store_day,
    to_char((v.visited_at at time zone o.timezone)::date, 'YYYY-MM-DD') as org_day, l.service_id, l.therapist_id,
    count(*)::int as lines, sum(l.list_price)::bigint as list_price
  from visit_line l join visit v on v.id = l.visit_id join store s on s.id = v.store_id
    join organization o on o.id = l.organization_id
  where l.organization_id = ?
  group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`;

const ROLLED_SETTLED = `select settlement_id, customer_id, store_id, visited_at, settled_at, consumed
  from report_settled_visit where organization_id = ? order by 1`;

const SOURCE_SETTLED = `select x.id as settlement_id, x.customer_id, v.store_id, v.visited_at, x.created_at as settled_at,
    (select sum(l.list_price) from visit_line l where l.visit_id = x.visit_id) - x.discount - x.coupon_discount
      as consumed
  from settlement x join visit v on v.id = x.visit_id where x.organization_id = ? order by 1`;

const ROLLED_LINES = `select visit_line_id, settlement_id, store_id, settled_at, therapist_id, amount
  from report_settled_line where organization_id = ? order by 1`;

/** Each settled line at list price less its share of the discounts; the shares add up to them exactly. */
const SOURCE_LINES = `select l.id as visit_line_id, x.id as settlement_id, v.store_id, x.created_at as settled_at,
    l.therapist_id, l.list_price - case when w.whole = 0 then 0 else
      floor(w.off::numeric * w.through / w.whole) - floor(w.off::numeric * (w.through - l.list_price) / w.whole) end
      as amount
  from settlement x join visit v on v.id = x.visit_id join visit_line l on l.visit_id = x.visit_id
  join (select l2.id, x2.discount + x2.coupon_discount as off, sum(l2.list_price) over (partition by x2.id) as whole,
          sum(l2.list_price) over (partition by x2.id order by l2.position, l2.id) as through
        from settlement x2 join visit_line l2 on l2.visit_id = x2.visit_id where x2.organization_id = ?) w on w.id = l.id
  where x.organization_id = ? order by 1`;

const ROLLED_FIRSTS = `select customer_id, first_visit_at from report_first_visit where organization_id = ? order by 1`;

const SOURCE_FIRSTS = `select customer_id, min(visited_at) as first_visit_at from visit where organization_id = ?
  group by 1 order by 1`;

async function expectRollupsEqualSource() {
  for (const { org } of tenants) {
    const id = org.organizationId;
    expect(await rows(ROLLED_REVENUE, [id])).toEqual(await rows(SOURCE_REVENUE, [id, id]));
    expect(await rows(ROLLED_SERVICES, [id])).toEqual(await rows(SOURCE_SERVICES, [id]));
    expect(await rows(ROLLED_SETTLED, [id])).toEqual(await rows(SOURCE_SETTLED, [id]));
    expect(await rows(ROLLED_LINES, [id])).toEqual(await rows(SOURCE_LINES, [id, id]));
    expect(await rows(ROLLED_FIRSTS, [id])).toEqual(await rows(SOURCE_FIRSTS, [id]));
  }
}

test('the mix wrote every kind of row the rollups are built from, in both organizations and all stores', async () => {
  for (const { org, stores } of tenants) {
    const [counts] = await rows(
      `select (select count(*) from settlement where organization_id = ?)::int as settlements,
         (select count(distinct v.store_id) from settlement x join visit v on v.id = x.visit_id
           where x.organization_id = ?)::int as settled_stores,
         (select count(*) from ledger_entry where organization_id = ? and amount_paid > 0)::int as sales,
         (select count(*) from ledger_entry where organization_id = ? and amount_paid < 0)::int as refunds,
         (select count(*) from ledger_entry where organization_id = ? and store_id is null and amount_paid is not null)::int
           as without_store`,
      [org.organizationId, org.organizationId, org.organizationId, org.organizationId, org.organizationId],
    );
    expect(counts.settlements).toBeGreaterThan(3);
    expect(counts.settled_stores).toBe(stores.length);
    expect(counts.sales).toBeGreaterThan(1);
    expect(counts.refunds).toBeGreaterThan(0);
    expect(counts.without_store).toBeGreaterThan(0);
  }
});

test('after every writer the rollups equal a recomputation from the source rows', async () => {
  await expectRollupsEqualSource();
});

const FIGURES = `cardSales { minorUnits } checkoutPayments { minorUnits } servicesConsumed { minorUnits } settlements`;
const REVENUE = `query($period: ReportPeriodInput!, $storeId: ID) { revenueReport(period: $period, storeId: $storeId) {
  buckets { from ${FIGURES} } total { ${FIGURES} } previous { ${FIGURES} } } }`;
const RANKING = `query($period: ReportPeriodInput!, $storeId: ID) { serviceRanking(period: $period, storeId: $storeId, first: 100) {
  serviceId count revenue { minorUnits } } }`;

test('revenue and ranking answer, per day and scope, what the source rows say', async () => {
  for (const { org, stores } of tenants) {
    for (const storeId of [null, ...stores]) {
      const zone = storeId === stores[1] ? 'Asia/Tokyo' : 'Asia/Shanghai';
      const to = todayIn(zone);
      const period = { from: addDays(to, -4), to, grain: 'DAY' };
      const report = await must(org.tokens.OWNER, REVENUE, { period, storeId });
      const days = await rows(
        `select day, sum(card_sales)::bigint as card_sales, sum(checkout_payments)::bigint as checkout_payments,
           sum(consumed)::bigint as consumed, sum(settlements)::int as settlements from (
           select to_char(e.created_at at time zone ?, 'YYYY-MM-DD') as day, e.amount_paid as card_sales,
             0 as checkout_payments, 0 as consumed, 0 as settlements
           from ledger_entry e where e.organization_id = ? and e.amount_paid is not null
             and e.kind::text not in ('OPENING_BALANCE', 'TRANSFER') and (?::uuid is null or e.store_id = ?)
           union all
           select to_char(x.created_at at time zone ?, 'YYYY-MM-DD'), 0,
             (select coalesce(sum((p ->> 'amount')::bigint), 0) from jsonb_array_elements(x.external_payments) p),
             (select sum(l.list_price) from visit_line l where l.visit_id = x.visit_id) - x.discount - x.coupon_discount, 1
           from settlement x join visit v on v.id = x.visit_id
           where x.organization_id = ? and (?::uuid is null or v.store_id = ?)) source group by day`,
        [zone, org.organizationId, storeId, storeId, zone, org.organizationId, storeId, storeId],
      );
      const expected = (day: string) => {
        const row = days.find((candidate) => candidate.day === day);
        return {
          cardSales: { minorUnits: Number(row?.card_sales ?? 0) },
          checkoutPayments: { minorUnits: Number(row?.checkout_payments ?? 0) },
          servicesConsumed: { minorUnits: Number(row?.consumed ?? 0) },
          settlements: Number(row?.settlements ?? 0),
        };
      };
      const buckets = report.revenueReport.buckets as { from: string }[];
      expect(buckets).toEqual(buckets.map((bucket) => ({ from: bucket.from, ...expected(bucket.from) })));
      expect(buckets.some((bucket) => JSON.stringify(bucket).match(/"minorUnits":[1-9]/))).toBe(true);

      const ranking = await must(org.tokens.OWNER, RANKING, { period, storeId });
      const given = await rows(
        `select l.service_id as "serviceId", count(*)::int as count, sum(l.list_price)::int as revenue
         from visit_line l join visit v on v.id = l.visit_id
         where l.organization_id = ? and (?::uuid is null or v.store_id = ?)
           and (v.visited_at at time zone ?)::date between ?::date and ?::date
         group by 1 order by 1`,
        [org.organizationId, storeId, storeId, zone, period.from, period.to],
      );
      expect(
        (ranking.serviceRanking as { serviceId: string; count: number; revenue: { minorUnits: number } }[])
          .map((row) => ({ serviceId: row.serviceId, count: row.count, revenue: row.revenue.minorUnits }))
          .sort((a, b) => a.serviceId.localeCompare(b.serviceId)),
      ).toEqual(given.sort((a, b) => String(a.serviceId).localeCompare(String(b.serviceId))));
    }
  }
});

test('plain SQL writers are covered too: a settlement taken back, a line added, a visit deleted', async () => {
  const [{ org }] = tenants;
  const connection = testApp.orm.em.getConnection();
  const [settled] = await rows(
    `select x.id, x.visit_id from settlement x where x.organization_id = ? order by x.created_at limit 1`,
    [org.organizationId],
  );
  await connection.execute(`delete from settlement where id = ?`, [settled.id]);
  await expectRollupsEqualSource();
  const [other] = await rows(
    `select x.visit_id from settlement x where x.organization_id = ? order by x.created_at desc limit 1`,
    [org.organizationId],
  );
  await connection.execute(
    `insert into visit_line (id, organization_id, visit_id, position, service_id, therapist_id, duration_minutes, list_price)
     select gen_random_uuid(), organization_id, visit_id, 9, service_id, therapist_id, duration_minutes, 5_000
     from visit_line where visit_id = ? limit 1`,
    [other.visit_id],
  );
  await expectRollupsEqualSource();
  await connection.execute(`delete from visit where id = ?`, [settled.visit_id]);
  await expectRollupsEqualSource();
});

test("a store's new time zone and a visit moved in time rebuild the rollups from the source", async () => {
  const [tenant] = tenants;
  const em = testApp.orm.em.fork();
  const branch = await em.findOneOrFail(Store, { id: tenant.stores[1] }, { filters: false });
  branch.timezone = 'America/Los_Angeles';
  await em.flush();
  await expectRollupsEqualSource();
  await testApp.orm.em
    .getConnection()
    .execute(
      `update visit set visited_at = visited_at - interval '30 hours' where id = (select id from visit where organization_id = ? limit 1)`,
      [tenant.org.organizationId],
    );
  await expectRollupsEqualSource();
});
