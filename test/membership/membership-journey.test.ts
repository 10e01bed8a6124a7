import { Role } from '../../src/entities/access/access.enums';
import { DemoSeeder } from '../../src/seeders/demo.seeder';
import { createTestApp, execute, type TestApp } from '../support/test-app';

/**
 * The memberships issue's "done means", on the seeded demo: a POS key looks a customer up by phone,
 * sells 充1000送100, settles a visit with stored value and points, retries the same request safely
 * and reads the balances.
 */
let testApp: TestApp;
let pos: string;
let desk: string;
const ids = {} as Record<'organization' | 'store' | 'therapist' | 'service' | 'customer' | 'phone', string>;

const row = async (sql: string, params: unknown[] = []) =>
  ((await testApp.orm.em.fork().getConnection().execute(sql, params)) as Record<string, string>[])[0];

beforeAll(async () => {
  testApp = await createTestApp();
  await new DemoSeeder().run(testApp.orm.em.fork());
  const store = await row(`select id, organization_id from store where code = 'JA'`);
  ids.store = store.id;
  ids.organization = store.organization_id;
  ids.therapist = (await row(`select id from app_user where email = 'therapist@demo.yuexin.cn'`)).id;
  ids.service = (await row(`select id from service_item where code = 'TN01'`)).id;
  // A customer with at least 200 points and no stored value yet.
  const customer = await row(
    `select c.id, c.phone from customer c join account p on p.customer_id = c.id and p.kind = 'POINTS'
      where p.units >= 200 and c.archived_at is null
        and not exists (select 1 from account s where s.customer_id = c.id and s.kind = 'STORED_VALUE')
      order by c.code limit 1`,
  );
  ids.customer = customer.id;
  ids.phone = customer.phone;
  const owner = await row(`select id from app_user where email = 'owner@demo.yuexin.cn'`);
  const ownerToken = (
    await testApp.tokens.issue({ userId: owner.id, organizationId: ids.organization, role: Role.OWNER })
  ).token;
  pos = (
    await execute(
      testApp,
      ownerToken,
      `mutation { createApiKey(input: { name: "前台收银机", scopes: ["customers:read", "customers:write", "ledger:write"] }) { secret } }`,
    )
  ).data!.createApiKey.secret;
  const deskUser = await row(`select id from app_user where email = 'frontdesk@demo.yuexin.cn'`);
  desk = (
    await testApp.tokens.issue({
      userId: deskUser.id,
      organizationId: ids.organization,
      role: Role.FRONT_DESK,
    })
  ).token;
});
afterAll(() => testApp.close());

test('look up by phone, sell 充1000送100, settle a visit with stored value and points, retry safely, read balances', async () => {
  const found = await execute(
    testApp,
    pos,
    `query($q: String!) { customers(filter: { search: $q }) { edges { node { id name tier { name } } } } }`,
    {
      q: ids.phone,
    },
  );
  expect(found.errors).toBeUndefined();
  expect(found.data!.customers.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([
    ids.customer,
  ]);
  const tier = found.data!.customers.edges[0].node.tier;
  expect(tier).not.toBeNull();

  const products = await execute(testApp, pos, `{ cardProducts { id name } }`);
  const topUp = products.data!.cardProducts.find(
    (product: { name: string }) => product.name === '充1000送100',
  );
  const sold = await execute(
    testApp,
    pos,
    `mutation($input: SellCardInput!) { sellCard(input: $input) { entries { account { balance { amount } } } } }`,
    {
      input: {
        customerId: ids.customer,
        cardProductId: topUp.id,
        storeId: ids.store,
        payment: { method: 'WECHAT_PAY', reference: 'wx-demo-1' },
        idempotencyKey: 'pos-sale-000001',
      },
    },
  );
  expect(sold.errors).toBeUndefined();
  expect(sold.data!.sellCard.entries[0].account.balance.amount).toBe('1100.00');

  const visit = await execute(
    testApp,
    desk,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId: ids.customer,
        storeId: ids.store,
        lines: [{ serviceId: ids.service, therapistId: ids.therapist }],
      },
    },
  );
  expect(visit.errors).toBeUndefined();
  const tierRow = await row(
    `select t.discount_basis_points from customer c join membership_tier t on t.id = c.tier_id where c.id = ?`,
    [ids.customer],
  );
  const listPrice = Number((await row(`select price from service_item where id = ?`, [ids.service])).price);
  const due = listPrice - Math.floor((listPrice * Number(tierRow.discount_basis_points)) / 10_000);
  const settle = () =>
    execute(
      testApp,
      pos,
      `mutation($input: SettleVisitInput!) { settleVisit(input: $input) {
      settlement { due { minorUnits } pointsRedeemed storedValuePaid { minorUnits } } entries { id kind } } }`,
      {
        input: {
          visitId: visit.data!.recordVisit.id,
          storedValueMinorUnits: due - 200,
          pointsToRedeem: 200,
          idempotencyKey: 'pos-checkout-000001',
        },
      },
    );
  const first = await settle();
  expect(first.errors).toBeUndefined();
  expect(first.data!.settleVisit.settlement).toEqual({
    due: { minorUnits: due },
    pointsRedeemed: 200,
    storedValuePaid: { minorUnits: due - 200 },
  });
  const retry = await settle();
  expect(retry).toEqual(first);

  const balances = await execute(
    testApp,
    pos,
    `query($id: ID!) { customer(id: $id) { accounts { kind balance { minorUnits } units } } }`,
    { id: ids.customer },
  );
  const wallet = balances.data!.customer.accounts.find(
    (account: { kind: string }) => account.kind === 'STORED_VALUE',
  );
  expect(wallet.balance.minorUnits).toBe(110_000 - (due - 200));
  const entries = await row(
    `select count(*) as count from ledger_entry where customer_id = ? and kind = 'CHARGE'`,
    [ids.customer],
  );
  expect(Number(entries.count)).toBe(1);
});
