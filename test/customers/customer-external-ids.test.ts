import type { Server } from 'node:http';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { newKey } from '../support/ledger-fixtures';
import { createTestApp, execute, listen, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let url: string;
/** API keys of two integrations that number customers independently. */
let pos: string;
let miniProgram: string;

const SCOPES = ['customers:read', 'customers:write'];

async function apiKey(name: string): Promise<string> {
  const created = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation($name: String!, $scopes: [String!]) { createApiKey(input: { name: $name, scopes: $scopes }) { secret } }`,
    { name, scopes: SCOPES },
  );
  expect(created.errors).toBeUndefined();
  return created.data!.createApiKey.secret as string;
}

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  ({ server, url } = await listen(testApp.app));
  pos = await apiKey('POS');
  miniProgram = await apiKey('小程序');
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

async function create(token: string, name: string, externalId?: string) {
  return execute(
    testApp,
    token,
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id code version externalId } }`,
    { input: { name, ...(externalId ? { externalId } : {}) } },
  );
}

/** The names (and externalId as this caller reads it) of `customers(filter: { externalId })`. */
async function findBy(token: string, externalId: string) {
  const found = await execute(
    testApp,
    token,
    `query($externalId: String) { customers(filter: { externalId: $externalId }) { edges { node { name externalId } } } }`,
    { externalId },
  );
  expect(found.errors).toBeUndefined();
  return found.data!.customers.edges.map(({ node }: { node: unknown }) => node);
}

const versionOf = async (id: string) =>
  (await execute(testApp, org.tokens.OWNER, `query($id: ID!) { customer(id: $id) { version } }`, { id }))
    .data!.customer.version as number;

const rowsOf = (customerId: string) =>
  countRows(testApp.orm, 'select count(*) from customer_external_id where customer_id = ?', [customerId]);

const DUPLICATES = `query($customerId: ID) { duplicateCustomers(first: 100, customerId: $customerId) {
  edges { node { reasons first { id } second { id } } } } }`;

async function reasonsWith(customerId: string) {
  const page = await execute(testApp, org.tokens.MANAGER, DUPLICATES, { customerId });
  expect(page.errors).toBeUndefined();
  return page.data!.duplicateCustomers.edges.map(({ node }: { node: any }) => ({
    other: node.first.id === customerId ? node.second.id : node.first.id,
    reasons: node.reasons,
  }));
}

describe('ids per integration', () => {
  let a: { id: string; code: string };
  let b: { id: string; code: string };

  beforeAll(async () => {
    const posCustomer = await create(pos, '收银台客人', 'M-001');
    expect(posCustomer.errors).toBeUndefined();
    a = posCustomer.data!.createCustomer;
    // The mini program numbers its members itself: the same number names another person there.
    const miniCustomer = await create(miniProgram, '小程序客人', 'M-001');
    expect(miniCustomer.errors).toBeUndefined();
    b = miniCustomer.data!.createCustomer;
  });

  test('two integrations may give one externalId to two customers; one integration may not', async () => {
    expect(await rowsOf(a.id)).toBe(1);
    const again = await create(pos, '另一个收银台客人', 'M-001');
    expect(again.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'DUPLICATE_EXTERNAL_ID',
      field: 'externalId',
    });
  });

  test('an integration finds and reads its own ids; staff see the organization’s own number', async () => {
    expect(await findBy(pos, 'M-001')).toEqual([{ name: '收银台客人', externalId: 'M-001' }]);
    expect(await findBy(miniProgram, 'M-001')).toEqual([{ name: '小程序客人', externalId: 'M-001' }]);
    // The integrations' ids are not the organization's 会员卡号.
    expect(await findBy(org.tokens.OWNER, 'M-001')).toEqual([]);
    // An id set by staff (or by a key before ids were kept per integration) still finds its customer.
    const legacy = await create(org.tokens.OWNER, '老档案客人', 'L-9');
    expect(legacy.errors).toBeUndefined();
    expect(await findBy(pos, 'L-9')).toEqual([{ name: '老档案客人', externalId: 'L-9' }]);
    expect(await rowsOf(legacy.data!.createCustomer.id)).toBe(0);
  });

  test('an integration changes its own id: the old one finds nobody', async () => {
    const changed = await create(pos, '换号客人', 'M-500');
    const id = changed.data!.createCustomer.id as string;
    const version = await versionOf(id);
    const renamed = await execute(
      testApp,
      pos,
      `mutation($id: ID!, $version: Int!) {
         updateCustomer(id: $id, expectedVersion: $version, input: { externalId: "M-501" }) { externalId } }`,
      { id, version },
    );
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data!.updateCustomer.externalId).toBe('M-501');
    expect(await findBy(pos, 'M-500')).toEqual([]);
    expect(await rowsOf(id)).toBe(1);
  });

  test('two customers with one externalId from two integrations are duplicate candidates (SAME_EXTERNAL_ID)', async () => {
    expect(await reasonsWith(a.id)).toEqual([{ other: b.id, reasons: ['SAME_EXTERNAL_ID'] }]);
    // One integration's id equal to the organization's own number is the same signal.
    const own = await create(org.tokens.OWNER, '门店会员', 'K-77');
    const fromPos = await create(pos, '收银台会员', 'K-77');
    expect(await reasonsWith(own.data!.createCustomer.id)).toEqual([
      { other: fromPos.data!.createCustomer.id, reasons: ['SAME_EXTERNAL_ID'] },
    ]);
  });

  test('a merge moves the ids to the survivor, the export lists them, the erasure removes them', async () => {
    const merged = await execute(
      testApp,
      org.tokens.MANAGER,
      `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { moved { kind count } } }`,
      {
        input: {
          survivorId: a.id,
          mergedId: b.id,
          survivorVersion: await versionOf(a.id),
          mergedVersion: await versionOf(b.id),
          idempotencyKey: newKey('merge'),
        },
      },
    );
    expect(merged.errors).toBeUndefined();
    expect(merged.data!.mergeCustomers.moved).toContainEqual({ kind: 'externalIds', count: 1 });
    // The mini program's id now finds the survivor; the pair is one customer now.
    expect(await findBy(miniProgram, 'M-001')).toEqual([{ name: '收银台客人', externalId: 'M-001' }]);
    expect([await rowsOf(a.id), await rowsOf(b.id)]).toEqual([2, 0]);
    expect(await reasonsWith(a.id)).toEqual([]);

    const response = await fetch(`${url}/exports/customers/${a.id}.json`, {
      headers: { authorization: `Bearer ${org.tokens.OWNER}` },
    });
    expect(response.status).toBe(200);
    const record = (await response.json()) as { externalIds: Record<string, unknown>[] };
    expect(record.externalIds).toEqual([
      { integration: 'POS', externalId: 'M-001', createdAt: expect.any(String) },
      { integration: '小程序', externalId: 'M-001', createdAt: expect.any(String) },
    ]);

    const erased = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($input: EraseCustomerInput!) { eraseCustomer(input: $input) { erasedAt } }`,
      {
        input: { id: a.id, reason: '客户本人书面申请', confirm: a.code, idempotencyKey: newKey('erase') },
      },
    );
    expect(erased.errors).toBeUndefined();
    expect(await rowsOf(a.id)).toBe(0);
    expect(await findBy(pos, 'M-001')).toEqual([]);
  });
});
