import { LedgerEntry, Settlement, Store, VisitLine } from '../../src/entities';
import { todayIn } from '../../src/core/time';
import { instantsOf } from '../../src/services/reports/period';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, newKey, sellCard, type CardProductsFixture } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;
let menu: CatalogueFixture;
let cards: CardProductsFixture;
let branchId: string;
const customerIds: string[] = [];

const ZONE = 'Asia/Shanghai';
const FIGURES = `cashReceived { minorUnits } cardSales { minorUnits } checkoutPayments { minorUnits }
  servicesConsumed { minorUnits } settlements averageTicket { minorUnits currency }`;
const REVENUE = `query($period: ReportPeriodInput!, $storeId: ID) { revenueReport(period: $period, storeId: $storeId) {
  buckets { from to ${FIGURES} } total { ${FIGURES} } previous { ${FIGURES} } lastYear { ${FIGURES} } } }`;
const RANKING = `query($period: ReportPeriodInput!, $first: Int) { serviceRanking(period: $period, first: $first) {
  serviceId name count revenue { minorUnits } } }`;
const LIABILITIES = `{ liabilitiesReport { storedValuePrincipal { minorUnits } storedValueBonus { minorUnits }
  unusedPunches unusedPunchValue { minorUnits } pointsOutstanding pointsValue { minorUnits } storedValueHolders } }`;

/** The figures as plain numbers, for comparing. */
function plain(figures: Record<string, { minorUnits: number } | number | string>) {
  return Object.fromEntries(
    Object.entries(figures).map(([name, value]) => [
      name,
      typeof value === 'object' ? value.minorUnits : value,
    ]),
  );
}

async function visitWith(customerId: string, services: string[]) {
  const result = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id lines { id } } }`,
    {
      input: {
        customerId,
        storeId: org.storeId,
        lines: services.map((serviceId) => ({ serviceId, therapistId: org.users.THERAPIST.id })),
      },
    },
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.recordVisit as { id: string; lines: { id: string }[] };
}

async function settle(input: Record<string, unknown>) {
  const result = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: SettleVisitInput!) { settleVisit(input: $input) { settlement { due { minorUnits } } } }`,
    { input: { idempotencyKey: newKey('settle'), ...input } },
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
}

async function newCustomer(name: string) {
  const customer = await createCustomer(testApp, org, name);
  customerIds.push(customer.id);
  return customer;
}

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家美容院');
  menu = await createCatalogue(testApp, org);
  cards = await createCardProducts(testApp, org, menu);
  const em = testApp.orm.em.fork();
  branchId = em.create(Store, { organization: org.organizationId, name: '分店', code: 'B1' }).id;
  await em.flush();

  // A: ¥1000 stored value (cash ¥1000), then a ¥198 massage paid ¥100 from it and ¥98 by WeChat Pay.
  const a = await newCustomer('营收甲');
  await sellCard(testApp, org.tokens.FRONT_DESK, a.id, cards.topUp.id, { storeId: org.storeId });
  const aVisit = await visitWith(a.id, [menu.massage.id]);
  await settle({
    visitId: aVisit.id,
    storedValueMinorUnits: 10_000,
    externalPayments: [{ method: 'WECHAT_PAY', amountMinorUnits: 9_800 }],
  });
  // B: a ¥1680 punch card of 10, one used on a massage: nothing due, ¥198 consumed.
  const b = await newCustomer('营收乙');
  const sold = await sellCard(testApp, org.tokens.FRONT_DESK, b.id, cards.massageCard.id, {
    storeId: org.storeId,
  });
  const cardId = sold.data!.sellCard.entries[0].account.id;
  const bVisit = await visitWith(b.id, [menu.massage.id]);
  await settle({ visitId: bVisit.id, punches: [{ visitLineId: bVisit.lines[0].id, accountId: cardId }] });
  // C: two massages paid ¥396 in cash.
  const c = await newCustomer('营收丙');
  const cVisit = await visitWith(c.id, [menu.massage.id, menu.massage.id]);
  await settle({ visitId: cVisit.id, externalPayments: [{ method: 'CASH', amountMinorUnits: 39_600 }] });
  // D: ¥1000 stored value sold at the branch and refunded (退卡): the ¥1000 goes back.
  const d = await newCustomer('营收丁');
  await sellCard(testApp, org.tokens.FRONT_DESK, d.id, cards.topUp.id, { storeId: branchId });
  const refund = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: RefundStoredValueInput!) { refundStoredValue(input: $input) { dryRun } }`,
    {
      input: {
        customerId: d.id,
        payment: { method: 'CASH' },
        reason: '客户搬家',
        idempotencyKey: newKey('refund'),
      },
    },
  );
  if (refund.errors) throw new Error(JSON.stringify(refund.errors));
});
afterAll(() => testApp.close());

const today = () => todayIn(ZONE);

test('revenue two ways: cash received and services consumed, 客单价, and no double count', async () => {
  const result = await execute(testApp, org.tokens.OWNER, REVENUE, {
    period: { from: today(), to: today() },
  });
  expect(result.errors).toBeUndefined();
  const report = result.data!.revenueReport;
  // Cash: the card sales ¥1000 + ¥1680 + ¥1000 − the ¥1000 refunded, and the checkouts' ¥98 + ¥396.
  // The ¥100 of stored value A spent is not cash again: counting it would make 3 184.00.
  // Consumed: ¥198 (stored value and WeChat) + ¥198 (a punch, at list price) + ¥396, by 3 settlements.
  const expected = {
    cashReceived: 317_400,
    cardSales: 268_000,
    checkoutPayments: 49_400,
    servicesConsumed: 79_200,
    settlements: 3,
    averageTicket: 26_400,
  };
  expect(plain(report.total)).toEqual(expected);
  expect(report.buckets).toHaveLength(1);
  expect(plain(report.buckets[0])).toEqual({ from: today(), to: today(), ...expected });
  expect(report.total.averageTicket.currency).toBe('CNY');
  expect(plain(report.previous)).toEqual(zeroes());
  expect(plain(report.lastYear)).toEqual(zeroes());
});

test('reconciliation: the revenue equals the ledger and settlement rows it is built from, summed here', async () => {
  const { start, end } = instantsOf({ from: today(), to: today() }, ZONE);
  const em = testApp.orm.em.fork();
  const window = { organization: org.organizationId, createdAt: { $gte: start, $lt: end } };
  const entries = await em.find(LedgerEntry, { ...window, amountPaid: { $ne: null } }, { filters: false });
  const settlements = await em.find(Settlement, window, { filters: false });
  const lines = await em.find(
    VisitLine,
    { visit: { $in: settlements.map((settlement) => settlement.visit.id) } },
    { filters: false },
  );
  const cardSales = entries.reduce((sum, entry) => sum + Number(entry.amountPaid), 0);
  const checkoutPayments = settlements
    .flatMap((settlement) => settlement.externalPayments)
    .reduce((sum, payment) => sum + payment.amount, 0);
  const servicesConsumed =
    lines.reduce((sum, line) => sum + line.listPrice, 0) -
    settlements.reduce((sum, settlement) => sum + settlement.discount + settlement.couponDiscount, 0);
  const result = await execute(testApp, org.tokens.MANAGER, REVENUE, {
    period: { from: today(), to: today(), grain: 'MONTH' },
  });
  expect(plain(result.data!.revenueReport.total)).toMatchObject({
    cashReceived: cardSales + checkoutPayments,
    cardSales,
    checkoutPayments,
    servicesConsumed,
    settlements: settlements.length,
  });
  expect([entries.length, settlements.length]).toEqual([4, 3]);
});

test('a store narrows revenue to the sales posted there and its visits', async () => {
  const branch = await execute(testApp, org.tokens.OWNER, REVENUE, {
    period: { from: today(), to: today() },
    storeId: branchId,
  });
  // The branch sold D's card; the refund names no store (退卡 is the organization's), so it is not here.
  expect(plain(branch.data!.revenueReport.total)).toEqual({
    ...zeroes(),
    cashReceived: 100_000,
    cardSales: 100_000,
  });
  const foreign = await execute(testApp, org.tokens.OWNER, REVENUE, {
    period: { from: today(), to: today() },
    storeId: other.storeId,
  });
  expect(foreign.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'storeId' });
  const theirs = await execute(testApp, other.tokens.OWNER, REVENUE, {
    period: { from: today(), to: today() },
  });
  expect(plain(theirs.data!.revenueReport.total)).toEqual(zeroes());
});

test('service ranking: times given and list-price revenue in the period', async () => {
  const result = await execute(testApp, org.tokens.MANAGER, RANKING, {
    period: { from: today(), to: today() },
  });
  expect(result.errors).toBeUndefined();
  expect(result.data!.serviceRanking).toEqual([
    { serviceId: menu.massage.id, name: '肩颈推拿', count: 4, revenue: { minorUnits: 79_200 } },
  ]);
  const tooMany = await execute(testApp, org.tokens.MANAGER, RANKING, {
    period: { from: today(), to: today() },
    first: 101,
  });
  expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
});

test("liabilities equal the customers' account balances as the API shows them", async () => {
  let principal = 0;
  let bonus = 0;
  let punches = 0;
  let points = 0;
  for (const id of customerIds) {
    const result = await execute(
      testApp,
      org.tokens.OWNER,
      `query($id: ID!) { customer(id: $id) { accounts { kind principal { minorUnits } bonus { minorUnits } units } } }`,
      { id },
    );
    for (const account of result.data!.customer.accounts) {
      if (account.kind === 'STORED_VALUE') {
        principal += account.principal.minorUnits;
        bonus += account.bonus.minorUnits;
      }
      if (account.kind === 'PUNCH_CARD') punches += account.units;
      if (account.kind === 'POINTS') points += account.units;
    }
  }
  const result = await execute(testApp, org.tokens.OWNER, LIABILITIES);
  expect(result.errors).toBeUndefined();
  expect(plain(result.data!.liabilitiesReport)).toEqual({
    storedValuePrincipal: principal,
    storedValueBonus: bonus,
    unusedPunches: punches,
    // 9 uses left of a ¥1680 card of 10.
    unusedPunchValue: 151_200,
    pointsOutstanding: points,
    pointsValue: points,
    storedValueHolders: 1,
  });
  // A's ¥1000 less the ¥100 spent (principal first); D refunded to zero; points from the money paid.
  expect([principal, bonus, punches, points > 0]).toEqual([90_000, 10_000, 9, true]);
});

test('each report is a fixed number of statements: the store check, then one read', async () => {
  const period = { from: today(), to: today(), grain: 'DAY' };
  const count = async (query: string, variables: Record<string, unknown>) => {
    await execute(testApp, org.tokens.OWNER, query, variables); // the organization is cached per process
    testApp.statements.reset();
    const result = await execute(testApp, org.tokens.OWNER, query, variables);
    expect(result.errors).toBeUndefined();
    return testApp.statements.count;
  };
  expect(await count(REVENUE, { period })).toBe(1);
  expect(await count(REVENUE, { period, storeId: org.storeId })).toBe(2);
  expect(await count(RANKING, { period })).toBe(1);
  expect(await count(LIABILITIES, {})).toBe(1);
});

function zeroes() {
  return {
    cashReceived: 0,
    cardSales: 0,
    checkoutPayments: 0,
    servicesConsumed: 0,
    settlements: 0,
    averageTicket: 0,
  };
}
