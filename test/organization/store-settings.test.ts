import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const UPDATE = `mutation($id: ID!, $input: UpdateStoreInput!) { updateStore(id: $id, input: $input) {
  name timezone address phone allowNegativeStock } }`;

test('the owner changes a store: contact, time zone and negative stock; the change is audited', async () => {
  const result = await execute(testApp, org.tokens.OWNER, UPDATE, {
    id: org.storeId,
    input: {
      name: '静安旗舰店',
      address: '上海市静安区南京西路1000号',
      timezone: 'Asia/Urumqi',
      allowNegativeStock: true,
    },
  });
  expect(result.errors).toBeUndefined();
  expect(result.data!.updateStore).toEqual({
    name: '静安旗舰店',
    timezone: 'Asia/Urumqi',
    address: '上海市静安区南京西路1000号',
    phone: null,
    allowNegativeStock: true,
  });
  const [event] = await testApp.orm.em
    .getConnection()
    .execute<{ fields: string[] }[]>(
      `select fields from audit_event where entity_type = 'Store' and entity_id = ?`,
      [org.storeId],
    );
  expect(event.fields.sort()).toEqual(['address', 'allowNegativeStock', 'name', 'timezone']);
  const cleared = await execute(testApp, org.tokens.OWNER, UPDATE, {
    id: org.storeId,
    input: { address: null, timezone: 'Asia/Shanghai' },
  });
  expect(cleared.data!.updateStore).toMatchObject({
    address: null,
    timezone: 'Asia/Shanghai',
    name: '静安旗舰店',
  });
});

test('an unknown time zone is BAD_USER_INPUT naming it, and changes nothing', async () => {
  const result = await execute(testApp, org.tokens.OWNER, UPDATE, {
    id: org.storeId,
    input: { timezone: 'Mars/Olympus', name: '改名' },
  });
  expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timezone' });
  expect(
    await countRows(testApp.orm, `select count(*) from store where id = ? and name = '改名'`, [org.storeId]),
  ).toBe(0);
});

test('only the owner changes stores; who may read allowNegativeStock', async () => {
  for (const role of ['MANAGER', 'FRONT_DESK', 'THERAPIST'] as const) {
    const denied = await execute(testApp, org.tokens[role], UPDATE, {
      id: org.storeId,
      input: { allowNegativeStock: false },
    });
    expect([role, denied.errors![0].extensions!.code]).toEqual([role, 'FORBIDDEN']);
  }
  for (const [role, readable] of [
    ['MANAGER', true],
    ['FRONT_DESK', true],
    ['THERAPIST', false],
    ['MARKETING', false],
  ] as const) {
    const result = await execute(testApp, org.tokens[role], `{ stores { name allowNegativeStock } }`);
    expect([role, result.data!.stores[0].name, result.errors === undefined]).toEqual([
      role,
      expect.any(String),
      readable,
    ]);
  }
});
