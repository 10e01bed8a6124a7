import { EntityManager } from '@mikro-orm/core';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import {
  CHARGE,
  createCardProducts,
  newKey,
  sellCard,
  type CardProductsFixture,
} from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
let cards: CardProductsFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  cards = await createCardProducts(testApp, org, menu);
});
afterAll(() => testApp.close());

/** Moves a customer's point earnings' expiry into the past, as the owner around the trigger (staging only). */
async function backdateExpiry(customerId: string, interval: string) {
  await testApp.asOwner(`alter table ledger_entry disable trigger ledger_entry_no_update_or_delete`);
  try {
    await testApp.asOwner(
      `update ledger_entry set expires_at = now() - $2::interval where customer_id = $1 and kind = 'EARN'`,
      [customerId, interval],
    );
  } finally {
    await testApp.asOwner(`alter table ledger_entry enable trigger ledger_entry_no_update_or_delete`);
  }
}

const entriesOf = (customerId: string) =>
  countRows(testApp.orm, `select count(*) from ledger_entry where customer_id = ?`, [customerId]);
const charge = (customerId: string, amount: number, extra: Record<string, unknown> = {}) =>
  execute(testApp, org.tokens.FRONT_DESK, CHARGE, {
    input: { customerId, amountMinorUnits: amount, idempotencyKey: newKey('charge'), ...extra },
  });
const walletQuery = `query($id: ID!) { customer(id: $id) { accounts { id kind name units principal { minorUnits }
  bonus { minorUnits } balance { minorUnits } validUntil status } } }`;
async function accountsOf(customerId: string) {
  const result = await execute(testApp, org.tokens.MANAGER, walletQuery, { id: customerId });
  expect(result.errors).toBeUndefined();
  return result.data!.customer.accounts as {
    id: string;
    kind: string;
    units: number;
    principal: { minorUnits: number };
    bonus: { minorUnits: number };
    balance: { minorUnits: number };
    validUntil: string | null;
    status: string;
  }[];
}

test('selling 充1000送100 credits principal and bonus apart and records the money taken', async () => {
  const customer = await createCustomer(testApp, org, '储值甲');
  const sold = await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
  expect(sold.errors).toBeUndefined();
  expect(sold.data!.sellCard.entries).toEqual([
    expect.objectContaining({
      kind: 'TOP_UP',
      principalAfter: { minorUnits: 100_000 },
      bonusAfter: { minorUnits: 10_000 },
      amountPaid: { minorUnits: 100_000 },
    }),
  ]);
  const [wallet] = await accountsOf(customer.id);
  expect(wallet).toMatchObject({ kind: 'STORED_VALUE', name: '储值账户', balance: { minorUnits: 110_000 } });
});

test('charges spend principal first and bonus last; short charges fail with INSUFFICIENT_BALANCE and the balance, posting nothing', async () => {
  const customer = await createCustomer(testApp, org, '储值乙');
  await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
  const first = await charge(customer.id, 95_000);
  expect(first.data!.chargeStoredValue.entries[0]).toMatchObject({
    principalDelta: { minorUnits: -95_000 },
    bonusDelta: { minorUnits: 0 },
  });
  const second = await charge(customer.id, 8_000);
  expect(second.data!.chargeStoredValue.entries[0]).toMatchObject({
    principalDelta: { minorUnits: -5_000 },
    bonusDelta: { minorUnits: -3_000 },
    principalAfter: { minorUnits: 0 },
    bonusAfter: { minorUnits: 7_000 },
  });
  const before = await entriesOf(customer.id);
  const short = await charge(customer.id, 7_001);
  expect(short.errors![0].extensions).toMatchObject({
    code: 'INSUFFICIENT_BALANCE',
    balance: { principal: 0, bonus: 7_000, total: 7_000 },
    requested: { total: 7_001 },
  });
  expect(await entriesOf(customer.id)).toBe(before);
});

test('dryRun validates and returns the would-be entries without posting or using the key', async () => {
  const customer = await createCustomer(testApp, org, '试算');
  await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
  const key = newKey('dry');
  const dry = await charge(customer.id, 20_000, { idempotencyKey: key, dryRun: true });
  expect(dry.data!.chargeStoredValue).toMatchObject({
    dryRun: true,
    entries: [{ principalAfter: { minorUnits: 80_000 } }],
  });
  expect(await entriesOf(customer.id)).toBe(1);
  const tooMuch = await charge(customer.id, 999_999, { dryRun: true });
  expect(tooMuch.errors![0].extensions!.code).toBe('INSUFFICIENT_BALANCE');
  const real = await charge(customer.id, 20_000, { idempotencyKey: key });
  expect(real.data!.chargeStoredValue.dryRun).toBe(false);
  expect(await entriesOf(customer.id)).toBe(2);
});

test('the same key with other input is IDEMPOTENCY_KEY_REUSED; with the same input the first result returns', async () => {
  const customer = await createCustomer(testApp, org, '重试');
  await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
  const key = newKey('retry');
  const first = await charge(customer.id, 1_000, { idempotencyKey: key });
  const again = await charge(customer.id, 1_000, { idempotencyKey: key });
  expect(again).toEqual(first);
  const other = await charge(customer.id, 2_000, { idempotencyKey: key });
  expect(other.errors![0].extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: key });
  expect(await entriesOf(customer.id)).toBe(2);
  const badKey = await charge(customer.id, 1_000, { idempotencyKey: 'short' });
  expect(badKey.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
});

test('50 concurrent requests with one idempotency key: exactly one posting and identical responses', async () => {
  const customer = await createCustomer(testApp, org, '并发同键');
  const key = newKey('same');
  const results = await Promise.all(
    Array.from({ length: 50 }, () =>
      sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id, { idempotencyKey: key }),
    ),
  );
  expect(results[0].errors).toBeUndefined();
  for (const result of results) expect(result).toEqual(results[0]);
  expect(await entriesOf(customer.id)).toBe(1);
  const [wallet] = await accountsOf(customer.id);
  expect(wallet.balance.minorUnits).toBe(110_000);
});

test('200 concurrent charges of random amounts: balance = start − successes, never negative, cache = entries, failures only INSUFFICIENT_BALANCE', async () => {
  const customer = await createCustomer(testApp, org, '并发扣款');
  await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
  await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
  const start = 220_000;
  let seed = 20261122;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const amounts = Array.from({ length: 200 }, () => 500 + Math.floor(random() * 2_500));
  const [wallet] = await accountsOf(customer.id);
  const balances: number[] = [];
  let charging = true;
  const reader = (async () => {
    while (charging) {
      const read = await execute(
        testApp,
        org.tokens.FRONT_DESK,
        `query($id: ID!) { account(id: $id) { principal { minorUnits } bonus { minorUnits } } }`,
        {
          id: wallet.id,
        },
      );
      balances.push(read.data!.account.principal.minorUnits, read.data!.account.bonus.minorUnits);
    }
  })();
  const results = await Promise.all(amounts.map((amount) => charge(customer.id, amount)));
  charging = false;
  await reader;
  const succeeded = amounts.filter((_, index) => !results[index].errors);
  const failures = results
    .filter((result) => result.errors)
    .map((result) => result.errors![0].extensions!.code);
  expect(succeeded.length).toBeGreaterThan(0);
  expect(failures.length).toBeGreaterThan(0);
  expect(new Set(failures)).toEqual(new Set(['INSUFFICIENT_BALANCE']));
  const [after] = await accountsOf(customer.id);
  expect(after.balance.minorUnits).toBe(start - succeeded.reduce((sum, amount) => sum + amount, 0));
  expect(balances.length).toBeGreaterThan(0);
  expect(Math.min(...balances)).toBeGreaterThanOrEqual(0);
  const check = await execute(
    testApp,
    org.tokens.OWNER,
    `{ ledgerCheck { accountsChecked mismatches { account { id } } } }`,
  );
  expect(check.data!.ledgerCheck.mismatches).toEqual([]);
  expect(check.data!.ledgerCheck.accountsChecked).toBeGreaterThan(0);
});

describe('punch cards', () => {
  const REDEEM = `mutation($input: RedeemPunchInput!) { redeemPunch(input: $input) { entries { kind unitsAfter serviceId } } }`;
  const redeem = (accountId: string, serviceId = menu.massage.id, extra: Record<string, unknown> = {}) =>
    execute(testApp, org.tokens.FRONT_DESK, REDEEM, {
      input: { accountId, serviceId, idempotencyKey: newKey('punch'), ...extra },
    });

  test('a punch card is issued with its uses and validity; a punch covers only its services', async () => {
    const customer = await createCustomer(testApp, org, '计次甲');
    const sold = await sellCard(testApp, org.tokens.CONSULTANT, customer.id, cards.massageCard.id);
    expect(sold.errors).toBeUndefined();
    const card = sold.data!.sellCard.entries[0];
    expect(card).toMatchObject({ kind: 'ISSUE', unitsDelta: 10, amountPaid: { minorUnits: 168_000 } });
    const [account] = await accountsOf(customer.id);
    expect(account).toMatchObject({ kind: 'PUNCH_CARD', name: '10次肩颈推拿卡', units: 10 });
    const days = (Date.parse(account.validUntil!) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(180);
    const used = await redeem(account.id);
    expect(used.data!.redeemPunch.entries).toEqual([
      { kind: 'PUNCH', unitsAfter: 9, serviceId: menu.massage.id },
    ]);
    const wrong = await redeem(account.id, menu.spa.id);
    expect(wrong.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'serviceId' });
  });

  test('10 concurrent redemptions of the last punch: 1 success, 9 INSUFFICIENT_BALANCE', async () => {
    const customer = await createCustomer(testApp, org, '计次乙');
    const sold = await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.massageCard.id);
    const accountId = sold.data!.sellCard.entries[0].account.id;
    for (let use = 0; use < 9; use++) await redeem(accountId);
    const results = await Promise.all(Array.from({ length: 10 }, () => redeem(accountId)));
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    expect(
      results.filter((result) => result.errors).map((result) => result.errors![0].extensions!.code),
    ).toEqual(Array(9).fill('INSUFFICIENT_BALANCE'));
    const [account] = await accountsOf(customer.id);
    expect(account.units).toBe(0);
  });

  test('a frozen card cannot be used; unfreezing extends its validity by the pause', async () => {
    const customer = await createCustomer(testApp, org, '冻结');
    const sold = await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.massageCard.id);
    const accountId = sold.data!.sellCard.entries[0].account.id;
    const frozen = await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($id: ID!) { freezeAccount(id: $id) { status validUntil } }`,
      { id: accountId },
    );
    expect(frozen.data!.freezeAccount.status).toBe('FROZEN');
    const refused = await redeem(accountId);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'FROZEN' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const thawed = await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($id: ID!) { unfreezeAccount(id: $id) { status validUntil } }`,
      { id: accountId },
    );
    expect(thawed.data!.unfreezeAccount.status).toBe('ACTIVE');
    expect(Date.parse(thawed.data!.unfreezeAccount.validUntil)).toBeGreaterThan(
      Date.parse(frozen.data!.freezeAccount.validUntil),
    );
    expect((await redeem(accountId)).errors).toBeUndefined();
  });
});

describe('reversals', () => {
  const REVERSE = `mutation($input: ReverseEntryInput!) { reverseLedgerEntry(input: $input) {
    entries { kind reversesId principalDelta { minorUnits } amountPaid { minorUnits } account { balance { minorUnits } } } } }`;
  const reverse = (token: string, entryId: string) =>
    execute(testApp, token, REVERSE, {
      input: { entryId, reason: '收银错误', idempotencyKey: newKey('reverse') },
    });

  test('a manager reverses a charge once; the reversal links to it; other roles may not', async () => {
    const customer = await createCustomer(testApp, org, '冲正');
    await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
    const charged = await charge(customer.id, 30_000);
    const entryId = charged.data!.chargeStoredValue.entries[0].id;
    for (const role of ['FRONT_DESK', 'CONSULTANT', 'THERAPIST'] as const) {
      const denied = await reverse(org.tokens[role], entryId);
      expect([role, denied.errors![0].extensions!.code]).toEqual([role, 'FORBIDDEN']);
    }
    const reversed = await reverse(org.tokens.MANAGER, entryId);
    expect(reversed.data!.reverseLedgerEntry.entries).toEqual([
      {
        kind: 'REVERSAL',
        reversesId: entryId,
        principalDelta: { minorUnits: 30_000 },
        amountPaid: null,
        account: { balance: { minorUnits: 110_000 } },
      },
    ]);
    const twice = await reverse(org.tokens.OWNER, entryId);
    expect(twice.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_REVERSED' });
  });

  test('a reversal that races past the check meets the unique index and is ALREADY_REVERSED, nothing posted', async () => {
    const customer = await createCustomer(testApp, org, '冲正竞态');
    await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
    const charged = await charge(customer.id, 10_000);
    const entryId = charged.data!.chargeStoredValue.entries[0].id;
    expect((await reverse(org.tokens.MANAGER, entryId)).errors).toBeUndefined();
    const entries = () =>
      countRows(testApp.orm, 'select count(*) from ledger_entry where reverses_id = ?', [entryId]);
    // The service's own check answers "none yet", as for a second reversal that read before the
    // first one committed: the unique index on reverses_id decides.
    const check = jest.spyOn(EntityManager.prototype, 'count').mockResolvedValueOnce(0);
    try {
      const raced = await reverse(org.tokens.OWNER, entryId);
      expect(check).toHaveBeenCalled();
      expect(raced.errors![0].extensions).toMatchObject({
        code: 'CONFLICT',
        reason: 'ALREADY_REVERSED',
        field: 'entryId',
      });
    } finally {
      check.mockRestore();
    }
    expect(await entries()).toBe(1);
  });

  test('refunding a sale after part was spent fails with INSUFFICIENT_BALANCE and posts nothing', async () => {
    const customer = await createCustomer(testApp, org, '退卡');
    const sold = await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
    await charge(customer.id, 50_000);
    const before = await entriesOf(customer.id);
    const refund = await reverse(org.tokens.MANAGER, sold.data!.sellCard.entries[0].id);
    expect(refund.errors![0].extensions!.code).toBe('INSUFFICIENT_BALANCE');
    expect(await entriesOf(customer.id)).toBe(before);
  });

  test('refunding an untouched sale pays the money back (negative amountPaid) and empties the wallet', async () => {
    const customer = await createCustomer(testApp, org, '全额退');
    const sold = await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
    const refund = await reverse(org.tokens.OWNER, sold.data!.sellCard.entries[0].id);
    expect(refund.data!.reverseLedgerEntry.entries[0]).toMatchObject({
      amountPaid: { minorUnits: -100_000 },
      account: { balance: { minorUnits: 0 } },
    });
  });
});

test('points: earned with an expiry, redeemed; expired points are written off first, and a failed redemption posts nothing', async () => {
  const customer = await createCustomer(testApp, org, '积分');
  const POINTS = (name: string) =>
    `mutation($input: PointsInput!) { ${name}(input: $input) { entries { kind unitsDelta unitsAfter } } }`;
  const points = (name: string, amount: number) =>
    execute(testApp, org.tokens.FRONT_DESK, POINTS(name), {
      input: { customerId: customer.id, points: amount, note: '测试', idempotencyKey: newKey(name) },
    });
  expect((await points('earnPoints', 300)).data!.earnPoints.entries).toEqual([
    { kind: 'EARN', unitsDelta: 300, unitsAfter: 300 },
  ]);
  expect((await points('redeemPoints', 100)).data!.redeemPoints.entries).toEqual([
    { kind: 'REDEEM', unitsDelta: -100, unitsAfter: 200 },
  ]);
  // The earning lapses: moved into the past as the owner, around the append-only trigger (staging only).
  await backdateExpiry(customer.id, '1 day');
  await points('earnPoints', 50);
  const before = await entriesOf(customer.id);
  const tooMany = await points('redeemPoints', 60);
  expect(tooMany.errors![0].extensions).toMatchObject({
    code: 'INSUFFICIENT_BALANCE',
    balance: { units: 50 },
  });
  expect(await entriesOf(customer.id)).toBe(before);
  const redeemed = await points('redeemPoints', 50);
  expect(redeemed.data!.redeemPoints.entries).toEqual([
    { kind: 'EXPIRE', unitsDelta: -200, unitsAfter: 50 },
    { kind: 'REDEEM', unitsDelta: -50, unitsAfter: 0 },
  ]);
});

test("the application's database role cannot UPDATE or DELETE a ledger row, nor switch the guard off", async () => {
  const customer = await createCustomer(testApp, org, '防篡改');
  const sold = await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
  const id = sold.data!.sellCard.entries[0].id;
  // testApp.orm connects exactly as the service does: as the runtime role.
  const connection = testApp.orm.em.getConnection();
  await expect(
    connection.execute(`update ledger_entry set principal_delta = 1 where id = ?`, [id]),
  ).rejects.toThrow(/permission denied for table ledger_entry/);
  await expect(connection.execute(`delete from ledger_entry where id = ?`, [id])).rejects.toThrow(
    /permission denied for table ledger_entry/,
  );
  await expect(
    connection.execute(`alter table ledger_entry disable trigger ledger_entry_no_update_or_delete`),
  ).rejects.toThrow(/must be owner/);
  // Even the owner (migrations) is refused by the trigger.
  await expect(testApp.asOwner(`delete from ledger_entry where id = $1`, [id])).rejects.toThrow(
    /append-only/,
  );
  await expect(
    connection.execute(`update account set principal = -1 where customer_id = ?`, [customer.id]),
  ).rejects.toThrow(/account_balance_check/);
});

describe('who sees and moves money', () => {
  test('therapists and marketing see no balances; the POS key reads and sells, and needs the ledger:write scope', async () => {
    const customer = await createCustomer(testApp, org, '权限');
    await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
    for (const role of ['THERAPIST', 'MARKETING', 'AUDITOR'] as const) {
      const result = await execute(
        testApp,
        org.tokens[role],
        `query($id: ID!) { customer(id: $id) { name accounts { id } } }`,
        { id: customer.id },
      );
      expect([role, result.data?.customer?.accounts ?? null, result.errors![0].extensions!.code]).toEqual([
        role,
        null,
        'FORBIDDEN',
      ]);
    }
    const pos = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation { createApiKey(input: { name: "收银系统", scopes: ["customers:read", "customers:write", "ledger:write"] }) { secret } }`,
    );
    const key = pos.data!.createApiKey.secret;
    const read = await execute(
      testApp,
      key,
      `query($id: ID!) { customer(id: $id) { accounts { balance { amount } } } }`,
      { id: customer.id },
    );
    expect(read.data!.customer.accounts).toEqual([{ balance: { amount: '1100.00' } }]);
    const sold = await sellCard(testApp, key, customer.id, cards.topUp.id);
    expect(sold.errors).toBeUndefined();
    const readOnly = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation { createApiKey(input: { name: "只写客户", scopes: ["customers:read", "customers:write"] }) { secret } }`,
    );
    const denied = await sellCard(testApp, readOnly.data!.createApiKey.secret, customer.id, cards.topUp.id);
    expect(denied.errors![0].extensions!.code).toBe('FORBIDDEN');
    // Without scopes a key gets what the schema documents, customers:read and customers:write: no
    // money moves (it used to get ledger:write too).
    const defaulted = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation { createApiKey(input: { name: "默认权限" }) { secret apiKey { scopes } } }`,
    );
    expect(defaulted.data!.createApiKey.apiKey.scopes).toEqual(['customers:read', 'customers:write']);
    const refused = await sellCard(testApp, defaulted.data!.createApiKey.secret, customer.id, cards.topUp.id);
    expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  test('ledger history pages newest first per account and per customer', async () => {
    const customer = await createCustomer(testApp, org, '流水');
    await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
    await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.massageCard.id);
    for (const amount of [100, 200, 300]) await charge(customer.id, amount);
    const page = (after?: string) =>
      execute(
        testApp,
        org.tokens.FRONT_DESK,
        `query($id: ID!, $after: String) { ledgerEntries(customerId: $id, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { kind principalDelta { minorUnits } } } } }`,
        { id: customer.id, after },
      );
    const kinds: string[] = [];
    let after: string | undefined;
    for (;;) {
      const result = (await page(after)).data!.ledgerEntries;
      expect(result.totalCount).toBe(5);
      kinds.push(...result.edges.map((edge: { node: { kind: string } }) => edge.node.kind));
      if (!result.pageInfo.hasNextPage) break;
      after = result.pageInfo.endCursor;
    }
    expect(kinds).toEqual(['CHARGE', 'CHARGE', 'CHARGE', 'ISSUE', 'TOP_UP']);
    const therapist = await execute(
      testApp,
      org.tokens.THERAPIST,
      `query($id: ID!) { ledgerEntries(customerId: $id) { totalCount } }`,
      { id: customer.id },
    );
    expect(therapist.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

test('退卡 pays back the remaining principal only, forfeits the bonus, and needs a manager', async () => {
  const customer = await createCustomer(testApp, org, '退卡余额');
  await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
  await charge(customer.id, 30_000);
  const REFUND = `mutation($input: RefundStoredValueInput!) { refundStoredValue(input: $input) {
    entries { kind principalDelta { minorUnits } bonusDelta { minorUnits } amountPaid { minorUnits } paymentMethod account { balance { minorUnits } } } } }`;
  const input = {
    customerId: customer.id,
    payment: { method: 'CASH' },
    reason: '客户搬家',
    idempotencyKey: newKey('refund'),
  };
  const denied = await execute(testApp, org.tokens.FRONT_DESK, REFUND, { input });
  expect(denied.errors![0].extensions!.code).toBe('FORBIDDEN');
  const refunded = await execute(testApp, org.tokens.MANAGER, REFUND, { input });
  expect(refunded.errors).toBeUndefined();
  expect(refunded.data!.refundStoredValue.entries).toEqual([
    {
      kind: 'REFUND',
      principalDelta: { minorUnits: -70_000 },
      bonusDelta: { minorUnits: -10_000 },
      amountPaid: { minorUnits: -70_000 },
      paymentMethod: 'CASH',
      account: { balance: { minorUnits: 0 } },
    },
  ]);
  const nothingLeft = await execute(testApp, org.tokens.MANAGER, REFUND, {
    input: { ...input, idempotencyKey: newKey('refund') },
  });
  expect(nothingLeft.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customerId' });
});

test('expirePoints writes off lapsed points across the organization once; running it again expires nothing', async () => {
  const customer = await createCustomer(testApp, org, '积分到期');
  await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: PointsInput!) { earnPoints(input: $input) { dryRun } }`,
    {
      input: { customerId: customer.id, points: 120, note: '活动', idempotencyKey: newKey('earn') },
    },
  );
  await backdateExpiry(customer.id, '1 hour');
  const first = await execute(testApp, org.tokens.MANAGER, `mutation { expirePoints }`);
  expect(first.data!.expirePoints).toBeGreaterThanOrEqual(120);
  const second = await execute(testApp, org.tokens.MANAGER, `mutation { expirePoints }`);
  expect(second.data!.expirePoints).toBe(0);
  const [points] = await accountsOf(customer.id);
  expect(points).toMatchObject({ kind: 'POINTS', units: 0 });
  const frontDesk = await execute(testApp, org.tokens.FRONT_DESK, `mutation { expirePoints }`);
  expect(frontDesk.errors![0].extensions!.code).toBe('FORBIDDEN');
});

test('a course card valid from first use starts its validity at the first punch', async () => {
  const created = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: CardProductInput!) { createCardProduct(input: $input) { id } }`,
    {
      input: {
        code: `FU-${Date.now()}`,
        name: '艾灸疗程卡',
        kind: 'PUNCH_CARD',
        priceMinorUnits: 99_900,
        uses: 6,
        serviceIds: [menu.massage.id],
        validityDays: 90,
        startsOnFirstUse: true,
      },
    },
  );
  const customer = await createCustomer(testApp, org, '首用起算');
  const sold = await sellCard(
    testApp,
    org.tokens.FRONT_DESK,
    customer.id,
    created.data!.createCardProduct.id,
  );
  const accountId = sold.data!.sellCard.entries[0].account.id;
  const card = `query($id: ID!) { account(id: $id) { validUntil firstUsedAt } }`;
  expect((await execute(testApp, org.tokens.FRONT_DESK, card, { id: accountId })).data!.account).toEqual({
    validUntil: null,
    firstUsedAt: null,
  });
  await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: RedeemPunchInput!) { redeemPunch(input: $input) { dryRun } }`,
    {
      input: { accountId, serviceId: menu.massage.id, idempotencyKey: newKey('first') },
    },
  );
  const after = (await execute(testApp, org.tokens.FRONT_DESK, card, { id: accountId })).data!.account;
  expect(Date.parse(after.validUntil) - Date.parse(after.firstUsedAt)).toBe(90 * 86_400_000);
});

test('customers with their accounts and card products cost the same statements for 2 or 12 customers', async () => {
  for (let index = 0; index < 12; index++) {
    const customer = await createCustomer(testApp, org, `计数${index}`);
    await sellCard(
      testApp,
      org.tokens.FRONT_DESK,
      customer.id,
      index % 2 ? cards.topUp.id : cards.massageCard.id,
    );
  }
  const count = async (first: number) => {
    testApp.statements.reset();
    const result = await execute(
      testApp,
      org.tokens.MANAGER,
      `query($first: Int) { customers(first: $first) { edges { node {
      name accounts { name balance { amount } units cardProduct { name services { name } } } } } } }`,
      { first },
    );
    expect(result.errors).toBeUndefined();
    return testApp.statements.count;
  };
  expect(await count(12)).toBe(await count(2));
});
