import { Customer } from '../../src/entities';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { newKey } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const DUPLICATES = `query($first: Int, $after: String, $customerId: ID) {
  duplicateCustomers(first: $first, after: $after, customerId: $customerId) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { reasons first { id name } second { id name } } } } }`;

/** A customer with the given fields set straight in the database. */
async function customer(name: string, fields: Partial<Customer> = {}) {
  const created = await createCustomer(testApp, org, name);
  const em = testApp.orm.em.fork();
  const row = await em.findOneOrFail(Customer, { id: created.id }, { filters: false });
  Object.assign(row, fields);
  await em.flush();
  return row;
}

type Pair = { reasons: string[]; first: { id: string }; second: { id: string } };
const pairKey = (a: string, b: string) => [a, b].sort().join('|');

async function candidates(token = org.tokens.MANAGER, variables: Record<string, unknown> = {}) {
  const result = await execute(testApp, token, DUPLICATES, { first: 100, ...variables });
  expect(result.errors).toBeUndefined();
  return result.data!.duplicateCustomers as {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: Pair }[];
  };
}

let pairs: Record<string, string[]>;
let ids: Record<string, string>;

beforeAll(async () => {
  const a = await customer('刘洋', { birthday: '1985-03-03' });
  const b = await customer('刘洋', { birthday: '1985-03-03', email: 'liuyang@test.cn' });
  // 柳洋 is liuyang in pinyin too; same 尾号 from another phone.
  const c = await customer('柳洋', { phone: '+8613900001234', phoneLast4: '1234' });
  const d = await customer('刘洋', { phone: '+8613700001234', phoneLast4: '1234', email: 'LiuYang@Test.cn' });
  // Not candidates: same name, other birthday; same 尾号, other pinyin.
  await customer('刘洋', { birthday: '1985-03-04' });
  await customer('陈静', { phone: '+8613600001234', phoneLast4: '1234' });
  const e = await customer('黄磊', { birthday: '1979-09-09', email: 'hl@test.cn' });
  const f = await customer('黄磊', { birthday: '1979-09-09', email: 'HL@test.cn' });
  ids = { a: a.id, b: b.id, c: c.id, d: d.id, e: e.id, f: f.id };
  const page = await candidates();
  pairs = Object.fromEntries(
    page.edges.map(({ node }) => [pairKey(node.first.id, node.second.id), node.reasons]),
  );
});

test('each reason finds its pair, both reasons of one pair come together, look-alikes are not candidates', () => {
  expect(pairs).toEqual({
    [pairKey(ids.a, ids.b)]: ['SAME_NAME_AND_BIRTHDAY'],
    [pairKey(ids.c, ids.d)]: ['SAME_PINYIN_AND_PHONE_LAST4'],
    [pairKey(ids.b, ids.d)]: ['SAME_EMAIL'],
    [pairKey(ids.e, ids.f)]: ['SAME_EMAIL', 'SAME_NAME_AND_BIRTHDAY'],
  });
});

test('pages in a stable order with a constant number of statements, and one customer’s candidates', async () => {
  const all = await candidates();
  expect(all.totalCount).toBe(4);
  const seen: string[] = [];
  const counts: number[] = [];
  let after: string | null = null;
  do {
    testApp.statements.reset();
    const page = await candidates(org.tokens.MANAGER, { first: 1, after });
    counts.push(testApp.statements.count);
    seen.push(...page.edges.map(({ node }) => pairKey(node.first.id, node.second.id)));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  expect(seen).toEqual(all.edges.map(({ node }) => pairKey(node.first.id, node.second.id)));
  testApp.statements.reset();
  await candidates();
  // Pairs, their count, and one batched read of the customers: the same for 1 pair or 4.
  expect(new Set([...counts, testApp.statements.count]).size).toBe(1);

  const ofD = await candidates(org.tokens.MANAGER, { customerId: ids.d });
  expect(ofD.edges.map(({ node }) => pairKey(node.first.id, node.second.id)).sort()).toEqual(
    [pairKey(ids.c, ids.d), pairKey(ids.b, ids.d)].sort(),
  );
  const forged = await execute(testApp, org.tokens.MANAGER, DUPLICATES, { after: 'bm9wZQ' });
  expect(forged.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'cursor' });
});

test('OWNER, MANAGER and FRONT_DESK list candidates; other roles are FORBIDDEN; other organizations see none', async () => {
  for (const role of ['OWNER', 'FRONT_DESK'] as const)
    expect((await candidates(org.tokens[role])).totalCount).toBe(4);
  for (const role of ['CONSULTANT', 'THERAPIST', 'MARKETING', 'AUDITOR'] as const) {
    const refused = await execute(testApp, org.tokens[role], DUPLICATES, {});
    expect([role, refused.errors?.[0].extensions?.code]).toEqual([role, 'FORBIDDEN']);
  }
  const other = await createOrganization(testApp, '别家');
  expect((await candidates(other.tokens.MANAGER)).totalCount).toBe(0);
});

test('a merged customer is no longer a candidate', async () => {
  const version = async (id: string) =>
    (await execute(testApp, org.tokens.MANAGER, `query($id: ID!) { customer(id: $id) { version } }`, { id }))
      .data!.customer.version as number;
  const merged = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { merged { id } } }`,
    {
      input: {
        survivorId: ids.a,
        mergedId: ids.b,
        survivorVersion: await version(ids.a),
        mergedVersion: await version(ids.b),
        idempotencyKey: newKey('merge'),
      },
    },
  );
  expect(merged.errors).toBeUndefined();
  const left = await candidates();
  expect(left.edges.map(({ node }) => pairKey(node.first.id, node.second.id)).sort()).toEqual(
    // b's email went to a (it had none): a and d now share it.
    [pairKey(ids.c, ids.d), pairKey(ids.a, ids.d), pairKey(ids.e, ids.f)].sort(),
  );
});
