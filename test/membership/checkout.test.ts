import { Customer } from '../../src/entities';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, newKey, sellCard, type CardProductsFixture } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
let cards: CardProductsFixture;
let tiers: Record<string, string>;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  cards = await createCardProducts(testApp, org, menu);
  tiers = {};
  for (const [name, rank, discount, multiplier, minSpend] of [
    ['普通', 0, 0, 100, 0],
    ['银卡', 1, 500, 120, 30_000],
    ['金卡', 2, 1200, 150, 100_000],
  ] as const) {
    const created = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($input: MembershipTierInput!) { createMembershipTier(input: $input) { id } }`,
      {
        input: {
          name,
          rank,
          discountBasisPoints: discount,
          pointsMultiplierPercent: multiplier,
          minSpendMinorUnits: minSpend,
        },
      },
    );
    if (created.errors) throw new Error(JSON.stringify(created.errors));
    tiers[name] = created.data!.createMembershipTier.id;
  }
});
afterAll(() => testApp.close());

/** A walk-in visit with one line per service, recorded by the front desk; returns visit and line ids. */
async function visitWith(customerId: string, services = [menu.massage.id]) {
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

const SETTLE = `mutation($input: SettleVisitInput!) { settleVisit(input: $input) { dryRun
  settlement { subtotal { minorUnits } discount { minorUnits } due { minorUnits } storedValuePaid { minorUnits }
    pointsRedeemed pointsValue { minorUnits } punchesUsed pointsEarned tier { name }
    externalPayments { method amount { minorUnits } reference } }
  entries { kind account { kind } unitsDelta principalDelta { minorUnits } bonusDelta { minorUnits } note } } }`;
const settle = (token: string, input: Record<string, unknown>) =>
  execute(testApp, token, SETTLE, { input: { idempotencyKey: newKey('settle'), ...input } });
const ledgerRows = () =>
  countRows(testApp.orm, `select count(*) from ledger_entry where organization_id = ?`, [org.organizationId]);
const customerRow = (id: string) =>
  testApp.orm.em.fork().findOneOrFail(Customer, { id }, { filters: false, populate: ['tier'] });

test('a visit settled with stored value and points: points earned, lifetime spend, tier upgraded with a reason', async () => {
  const customer = await createCustomer(testApp, org, '结账甲');
  await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
  await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: PointsInput!) { earnPoints(input: $input) { dryRun } }`,
    {
      input: { customerId: customer.id, points: 800, note: '开卡礼', idempotencyKey: newKey('gift') },
    },
  );
  // 肩颈推拿 ¥198 × 2 lines = ¥396; no tier yet, so no discount: 388.00 stored value + 800 points (¥8).
  const visit = await visitWith(customer.id, [menu.massage.id, menu.massage.id]);
  const result = await settle(org.tokens.FRONT_DESK, {
    visitId: visit.id,
    storedValueMinorUnits: 38_800,
    pointsToRedeem: 800,
  });
  expect(result.errors).toBeUndefined();
  const { settlement, entries } = result.data!.settleVisit;
  expect(settlement).toMatchObject({
    subtotal: { minorUnits: 39_600 },
    discount: { minorUnits: 0 },
    due: { minorUnits: 39_600 },
    storedValuePaid: { minorUnits: 38_800 },
    pointsRedeemed: 800,
    pointsValue: { minorUnits: 800 },
    pointsEarned: 388,
    tier: null,
  });
  expect(entries.map((entry: { kind: string }) => entry.kind).sort()).toEqual(['CHARGE', 'EARN', 'REDEEM']);
  const after = await customerRow(customer.id);
  expect(Number(after.lifetimeSpend)).toBe(38_800);
  expect(after.tier?.getEntity().name).toBe('银卡');
  const history = await execute(
    testApp,
    org.tokens.MARKETING,
    `query($id: ID!) { customer(id: $id) { tier { name discountBasisPoints } tierHistory { fromTier { name } toTier { name } reason } } }`,
    { id: customer.id },
  );
  expect(history.errors).toBeUndefined();
  expect(history.data!.customer.tier).toEqual({ name: '银卡', discountBasisPoints: 500 });
  expect(history.data!.customer.tierHistory).toEqual([
    { fromTier: null, toTier: { name: '银卡' }, reason: '近365天消费 ¥388.00, 到店 1 次' },
  ]);

  // The next visit gets the 银卡 discount (5%) and its 1.2× points.
  const next = await visitWith(customer.id);
  const second = await settle(org.tokens.FRONT_DESK, {
    visitId: next.id,
    externalPayments: [{ method: 'WECHAT_PAY', amountMinorUnits: 18_810, reference: 'wx-4200001' }],
  });
  expect(second.data!.settleVisit.settlement).toMatchObject({
    discount: { minorUnits: 990 },
    due: { minorUnits: 18_810 },
    pointsEarned: 225,
    tier: { name: '银卡' },
    externalPayments: [{ method: 'WECHAT_PAY', amount: { minorUnits: 18_810 }, reference: 'wx-4200001' }],
  });
});

test('payments that do not add up to what is due are BAD_USER_INPUT and nothing is posted', async () => {
  const customer = await createCustomer(testApp, org, '结账乙');
  const visit = await visitWith(customer.id);
  const before = await ledgerRows();
  const result = await settle(org.tokens.FRONT_DESK, {
    visitId: visit.id,
    externalPayments: [{ method: 'CASH', amountMinorUnits: 100 }],
  });
  expect(result.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'payments',
    rule: 'sum',
  });
  expect(await ledgerRows()).toBe(before);
});

test('a checkout that fails midway (points short, after a punch and a stored-value charge) posts nothing', async () => {
  const customer = await createCustomer(testApp, org, '结账丙');
  await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
  const card = (await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.massageCard.id)).data!
    .sellCard.entries[0].account.id;
  const visit = await visitWith(customer.id, [menu.massage.id, menu.spa.id, menu.haircut.id]);
  const before = await ledgerRows();
  const spend = Number((await customerRow(customer.id)).lifetimeSpend);
  const nothingPosted = async () => {
    expect(await ledgerRows()).toBe(before);
    expect(Number((await customerRow(customer.id)).lifetimeSpend)).toBe(spend);
    expect(
      await countRows(testApp.orm, `select count(*) from settlement where visit_id = ?`, [visit.id]),
    ).toBe(0);
    const read = await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `query($id: ID!) { customer(id: $id) { accounts { kind units balance { minorUnits } } } }`,
      { id: customer.id },
    );
    expect(read.data!.customer.accounts).toEqual(
      expect.arrayContaining([
        { kind: 'STORED_VALUE', units: 0, balance: { minorUnits: 110_000 } },
        expect.objectContaining({ kind: 'PUNCH_CARD', units: 10 }),
      ]),
    );
  };
  // Punch and stored-value charge are posted in the transaction before the points fail.
  const pointsShort = await settle(org.tokens.FRONT_DESK, {
    visitId: visit.id,
    punches: [{ visitLineId: visit.lines[0].id, accountId: card }],
    storedValueMinorUnits: 39_500,
    pointsToRedeem: 100,
  });
  expect(pointsShort.errors![0].extensions).toMatchObject({
    code: 'INSUFFICIENT_BALANCE',
    balance: { units: 0 },
  });
  await nothingPosted();
  const notCovered = await settle(org.tokens.FRONT_DESK, {
    visitId: visit.id,
    punches: [
      { visitLineId: visit.lines[0].id, accountId: card },
      { visitLineId: visit.lines[1].id, accountId: card },
    ],
    storedValueMinorUnits: 19_800,
  });
  expect(notCovered.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'punches[1].accountId',
    rule: 'covered',
  });
  await nothingPosted();

  // Paid right: the 肩颈推拿 line by punch, the rest (精油SPA + 洗剪吹 = ¥396) from stored value.
  const settled = await settle(org.tokens.FRONT_DESK, {
    visitId: visit.id,
    punches: [{ visitLineId: visit.lines[0].id, accountId: card }],
    storedValueMinorUnits: 39_600,
  });
  expect(settled.data!.settleVisit.settlement).toMatchObject({
    punchesUsed: 1,
    subtotal: { minorUnits: 39_600 },
  });
  const again = await settle(org.tokens.FRONT_DESK, {
    visitId: visit.id,
    externalPayments: [{ method: 'CASH', amountMinorUnits: 39_600 }],
  });
  expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_SETTLED' });
});

test('the referrer is rewarded once, when the referred customer first pays', async () => {
  const referrer = await createCustomer(testApp, org, '老客户');
  const referred = await createCustomer(testApp, org, '新朋友');
  await testApp.orm.em
    .fork()
    .nativeUpdate(Customer, { id: referred.id }, { referrer: referrer.id }, { filters: false });
  const pay = async () => {
    const visit = await visitWith(referred.id);
    return settle(org.tokens.FRONT_DESK, {
      visitId: visit.id,
      externalPayments: [{ method: 'ALIPAY', amountMinorUnits: 19_800 }],
    });
  };
  const first = await pay();
  expect(
    first.data!.settleVisit.entries.filter((entry: { note: string }) => entry.note?.startsWith('推荐奖励')),
  ).toEqual([expect.objectContaining({ kind: 'EARN', unitsDelta: 500, note: '推荐奖励: 新朋友' })]);
  const second = await pay();
  expect(second.errors).toBeUndefined();
  expect(
    second.data!.settleVisit.entries.some((entry: { note: string }) => entry.note?.startsWith('推荐奖励')),
  ).toBe(false);
  const points = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `query($id: ID!) { customer(id: $id) { accounts { kind units } } }`,
    { id: referrer.id },
  );
  expect(points.data!.customer.accounts).toEqual([{ kind: 'POINTS', units: 500 }]);
});

test('a POS key settles a visit; a retry with the same key answers the same and posts nothing more; dryRun posts nothing', async () => {
  const key = (
    await execute(
      testApp,
      org.tokens.OWNER,
      `mutation { createApiKey(input: { name: "收银系统", scopes: ["customers:read", "customers:write", "ledger:write"] }) { secret } }`,
    )
  ).data!.createApiKey.secret;
  const customer = await createCustomer(testApp, org, '收银');
  await sellCard(testApp, key, customer.id, cards.topUp.id);
  const visit = await visitWith(customer.id);
  const input = { visitId: visit.id, storedValueMinorUnits: 19_800 };
  const dry = await settle(key, { ...input, dryRun: true });
  expect(dry.data!.settleVisit.dryRun).toBe(true);
  const before = await ledgerRows();
  expect(await countRows(testApp.orm, `select count(*) from settlement where visit_id = ?`, [visit.id])).toBe(
    0,
  );
  const idempotencyKey = newKey('pos');
  const first = await settle(key, { ...input, idempotencyKey });
  const retry = await settle(key, { ...input, idempotencyKey });
  expect(first.errors).toBeUndefined();
  expect(retry).toEqual(first);
  expect(await ledgerRows()).toBe(before + 2);
  const therapist = await settle(org.tokens.THERAPIST, input);
  expect(therapist.errors![0].extensions!.code).toBe('FORBIDDEN');
});

test('re-evaluating all tiers moves customers down when their window spend no longer qualifies', async () => {
  const raise = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation($id: ID!) { updateMembershipTier(id: $id, input: { minSpendMinorUnits: 50000000 }) { minSpend { amount } } }`,
    { id: tiers['银卡'] },
  );
  expect(raise.data!.updateMembershipTier.minSpend.amount).toBe('500000.00');
  const moved = await execute(testApp, org.tokens.MANAGER, `mutation { evaluateMembershipTiers }`);
  expect(moved.data!.evaluateMembershipTiers).toBeGreaterThan(0);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from customer c join membership_tier t on t.id = c.tier_id where t.name = '银卡'`,
    ),
  ).toBe(0);
  const again = await execute(testApp, org.tokens.MANAGER, `mutation { evaluateMembershipTiers }`);
  expect(again.data!.evaluateMembershipTiers).toBe(0);
  const marketing = await execute(testApp, org.tokens.MARKETING, `mutation { evaluateMembershipTiers }`);
  expect(marketing.errors![0].extensions!.code).toBe('FORBIDDEN');
});

describe('coupons', () => {
  let coupon: string;
  beforeAll(async () => {
    const created = await execute(
      testApp,
      org.tokens.MANAGER,
      `mutation($input: CardProductInput!) { createCardProduct(input: $input) { id couponValue { amount } couponMinSpend { amount } } }`,
      {
        input: {
          code: `CP-${Date.now()}`,
          name: '满200减30',
          kind: 'COUPON',
          priceMinorUnits: 0,
          couponValueMinorUnits: 3_000,
          couponMinSpendMinorUnits: 20_000,
          validityDays: 30,
        },
      },
    );
    expect(created.data!.createCardProduct).toMatchObject({
      couponValue: { amount: '30.00' },
      couponMinSpend: { amount: '200.00' },
    });
    coupon = created.data!.createCardProduct.id;
  });
  const give = async (customerId: string) => {
    const given = await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($input: SellCardInput!) { sellCard(input: $input) { entries { kind amountPaid { amount } account { id kind units } } } }`,
      {
        input: { customerId, cardProductId: coupon, idempotencyKey: newKey('coupon') },
      },
    );
    expect(given.errors).toBeUndefined();
    expect(given.data!.sellCard.entries[0]).toMatchObject({
      kind: 'ISSUE',
      amountPaid: null,
      account: { kind: 'COUPON', units: 1 },
    });
    return given.data!.sellCard.entries[0].account.id as string;
  };

  test('a coupon takes its value off once, after the tier discount, if the total reaches its threshold', async () => {
    const customer = await createCustomer(testApp, org, '用券');
    const couponAccount = await give(customer.id);
    const small = await visitWith(customer.id);
    const belowThreshold = await settle(org.tokens.FRONT_DESK, {
      visitId: small.id,
      couponAccountIds: [couponAccount],
      externalPayments: [{ method: 'CASH', amountMinorUnits: 16_800 }],
    });
    expect(belowThreshold.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'couponAccountIds[0]',
      rule: 'minSpend',
    });
    const visit = await visitWith(customer.id, [menu.massage.id, menu.massage.id]);
    const used = await settle(org.tokens.FRONT_DESK, {
      visitId: visit.id,
      couponAccountIds: [couponAccount],
      externalPayments: [{ method: 'CASH', amountMinorUnits: 36_600 }],
    });
    expect(used.errors).toBeUndefined();
    expect(used.data!.settleVisit.settlement).toMatchObject({
      subtotal: { minorUnits: 39_600 },
      due: { minorUnits: 36_600 },
    });
    const again = await visitWith(customer.id, [menu.massage.id, menu.massage.id]);
    const twice = await settle(org.tokens.FRONT_DESK, {
      visitId: again.id,
      couponAccountIds: [couponAccount],
      externalPayments: [{ method: 'CASH', amountMinorUnits: 36_600 }],
    });
    expect(twice.errors![0].extensions!.code).toBe('INSUFFICIENT_BALANCE');
  });

  test("another customer's coupon fails the checkout, and the stored value it would have charged stays", async () => {
    const owner = await createCustomer(testApp, org, '券主');
    const foreignCoupon = await give(owner.id);
    const customer = await createCustomer(testApp, org, '借券');
    await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
    const visit = await visitWith(customer.id, [menu.massage.id, menu.massage.id]);
    const before = await ledgerRows();
    const result = await settle(org.tokens.FRONT_DESK, {
      visitId: visit.id,
      couponAccountIds: [foreignCoupon],
      storedValueMinorUnits: 36_600,
    });
    expect(result.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'couponAccountIds[0]',
      rule: 'coupon',
    });
    expect(await ledgerRows()).toBe(before);
  });

  test('a card that costs money cannot be sold without saying how it was paid', async () => {
    const customer = await createCustomer(testApp, org, '未付款');
    const result = await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($input: SellCardInput!) { sellCard(input: $input) { dryRun } }`,
      {
        input: { customerId: customer.id, cardProductId: cards.topUp.id, idempotencyKey: newKey('nopay') },
      },
    );
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'payment' });
  });
});

test('customers with tier and tier history cost the same statements for 2 or 8 customers', async () => {
  const created: string[] = [];
  for (let index = 0; index < 8; index++) {
    const customer = await createCustomer(testApp, org, `等级计数${index}`);
    created.push(customer.id);
    const visit = await visitWith(customer.id);
    await settle(org.tokens.FRONT_DESK, {
      visitId: visit.id,
      externalPayments: [{ method: 'CASH', amountMinorUnits: 19_800 }],
    });
  }
  // The oldest of them once held a tier nobody holds now: its history names a tier that the page's
  // Customer.tier loads do not bring, and still no extra statement may follow.
  await testApp.asOwner(
    `insert into tier_change (id, organization_id, customer_id, from_tier_id, to_tier_id, reason, created_at)
     select gen_random_uuid(), $1, $2, null, t.id, '历史等级', now() - interval '400 days'
     from membership_tier t
     where t.organization_id = $1 and t.id not in (select tier_id from customer where tier_id is not null)
     limit 1`,
    [org.organizationId, created[0]],
  );
  const count = async (first: number) => {
    testApp.statements.reset();
    const result = await execute(
      testApp,
      org.tokens.MANAGER,
      `query($first: Int) { customers(first: $first) { edges { node { name tier { name } tierHistory { reason toTier { name } } } } } }`,
      { first },
    );
    expect(result.errors).toBeUndefined();
    expect(
      result.data!.customers.edges.every(
        (edge: { node: { tierHistory: unknown[] } }) => edge.node.tierHistory.length > 0,
      ),
    ).toBe(true);
    return testApp.statements.count;
  };
  expect(await count(8)).toBe(await count(2));
});
