import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const CREATE = `mutation Create($input: CreateCustomerInput!) {
  createCustomer(input: $input) { id code name namePinyin phone birthday version status preferences { pressure scents noScent } }
}`;
const UPDATE = `mutation Update($id: ID!, $version: Int!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, expectedVersion: $version, input: $input) { id name phone version }
}`;

const customerRows = () =>
  countRows(testApp.orm, 'select count(*) from customer where organization_id = ?', [org.organizationId]);

test('front desk creates a customer: code assigned, phone normalized to E.164, pinyin derived, audited', async () => {
  const result = await execute(testApp, org.tokens.FRONT_DESK, CREATE, {
    input: {
      name: '欧阳娜娜',
      phone: '138 0013 8888',
      birthday: '1990-05-01',
      preferences: { pressure: 'LIGHT', scents: ['玫瑰'] },
    },
  });
  expect(result.errors).toBeUndefined();
  const customer = result.data!.createCustomer;
  expect(customer).toMatchObject({
    code: 'C000003',
    name: '欧阳娜娜',
    namePinyin: 'ouyangnana',
    phone: '+8613800138888',
    version: 1,
    status: 'ACTIVE',
  });
  expect(customer.preferences).toEqual({ pressure: 'LIGHT', scents: ['玫瑰'], noScent: false });
  const audit = await countRows(
    testApp.orm,
    `select count(*) from audit_event where customer_id = ? and action = 'CREATE'`,
    [customer.id],
  );
  expect(audit).toBe(1);
  const profile = await countRows(testApp.orm, 'select count(*) from health_profile where customer_id = ?', [
    customer.id,
  ]);
  expect(profile).toBe(1);
});

test.each([
  [{ name: '王五', phone: '12345' }, 'phone', 'phone'],
  [{ name: '王五', phone: '02162881234' }, 'phone', 'mobile'],
  [{ name: '王五', birthday: '2999-01-01' }, 'birthday', 'notInFuture'],
  [{ name: '   ' }, 'name', 'required'],
])('invalid input %j fails with BAD_USER_INPUT naming %s and writes nothing', async (input, field, rule) => {
  const before = await customerRows();
  const result = await execute(testApp, org.tokens.FRONT_DESK, CREATE, { input });
  expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, rule });
  expect(result.errors![0].message).toContain(field);
  expect(await customerRows()).toBe(before);
});

test('class-validator rules come back as BAD_USER_INPUT with the field names, no values', async () => {
  const result = await execute(testApp, org.tokens.FRONT_DESK, CREATE, {
    input: { name: 'x'.repeat(51), email: 'not-an-email' },
  });
  expect(result.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  const fields = (result.errors![0].extensions!.fields as { field: string }[])
    .map((entry) => entry.field)
    .sort();
  expect(fields).toEqual(['email', 'name']);
  expect(JSON.stringify(result.errors)).not.toContain('not-an-email');
});

test('unknown enum values are refused before anything runs', async () => {
  const result = await execute(testApp, org.tokens.FRONT_DESK, CREATE, {
    input: { name: '王五', gender: 'ROBOT' },
  });
  expect(result.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
});

test('a duplicate phone is a CONFLICT and leaves no row, no audit and no used customer code', async () => {
  const before = await customerRows();
  const result = await execute(testApp, org.tokens.FRONT_DESK, CREATE, {
    input: { name: '张三丰', phone: '13800138001' },
  });
  expect(result.errors![0].extensions).toMatchObject({
    code: 'CONFLICT',
    field: 'phone',
    reason: 'DUPLICATE_PHONE',
  });
  expect(result.errors![0].message).not.toContain('张三');
  expect(await customerRows()).toBe(before);
  const audits = await countRows(
    testApp.orm,
    `select count(*) from audit_event where organization_id = ? and action = 'CREATE' and entity_type = 'Customer'`,
    [org.organizationId],
  );
  const next = await execute(testApp, org.tokens.FRONT_DESK, CREATE, { input: { name: '赵六' } });
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where organization_id = ? and action = 'CREATE' and entity_type = 'Customer'`,
      [org.organizationId],
    ),
  ).toBe(audits + 1);
  const [{ count }] = await testApp.orm.em
    .getConnection()
    .execute(`select count(*) from customer where code = ? and organization_id = ?`, [
      next.data!.createCustomer.code,
      org.organizationId,
    ]);
  expect(Number(count)).toBe(1);
});

test('update with a stale version fails with CONFLICT and changes nothing', async () => {
  const created = (await execute(testApp, org.tokens.FRONT_DESK, CREATE, { input: { name: '孙七' } })).data!
    .createCustomer;
  const first = await execute(testApp, org.tokens.FRONT_DESK, UPDATE, {
    id: created.id,
    version: 1,
    input: { name: '孙七七' },
  });
  expect(first.data!.updateCustomer).toMatchObject({ name: '孙七七', version: 2 });
  const stale = await execute(testApp, org.tokens.CONSULTANT, UPDATE, {
    id: created.id,
    version: 1,
    input: { name: '孙八' },
  });
  expect(stale.errors![0].extensions).toMatchObject({
    code: 'CONFLICT',
    currentVersion: 2,
    reason: 'STALE_VERSION',
  });
  const now = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ customer(id: "${created.id}") { name version } }`,
  );
  expect(now.data!.customer).toEqual({ name: '孙七七', version: 2 });
});

test('concurrent updates with the same version: exactly one wins', async () => {
  const created = (await execute(testApp, org.tokens.FRONT_DESK, CREATE, { input: { name: '周九' } })).data!
    .createCustomer;
  const results = await Promise.all(
    ['周九一', '周九二', '周九三', '周九四'].map((name) =>
      execute(testApp, org.tokens.FRONT_DESK, UPDATE, { id: created.id, version: 1, input: { name } }),
    ),
  );
  expect(results.filter((result) => !result.errors)).toHaveLength(1);
  expect(results.filter((result) => result.errors?.[0].extensions?.code === 'CONFLICT')).toHaveLength(3);
});

test('archive hides from the list, restore brings back; both need MANAGER or OWNER', async () => {
  const created = (await execute(testApp, org.tokens.FRONT_DESK, CREATE, { input: { name: '吴十' } })).data!
    .createCustomer;
  const denied = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation { archiveCustomer(id: "${created.id}") { id } }`,
  );
  expect(denied.errors![0].extensions!.code).toBe('FORBIDDEN');
  await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation { archiveCustomer(id: "${created.id}") { archivedAt } }`,
  );
  const search = `{ customers(filter: { search: "吴十" }) { edges { node { id } } } }`;
  expect((await execute(testApp, org.tokens.MANAGER, search)).data!.customers.edges).toHaveLength(0);
  await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { restoreCustomer(id: "${created.id}") { archivedAt } }`,
  );
  expect((await execute(testApp, org.tokens.MANAGER, search)).data!.customers.edges).toHaveLength(1);
});

test('set tags creates unknown tags and replaces the set; tag filter finds the customer', async () => {
  const mutation = (names: string[]) =>
    `mutation { setCustomerTags(id: "${org.unassigned.id}", tagNames: ${JSON.stringify(names)}) { tags { name } } }`;
  const first = await execute(testApp, org.tokens.CONSULTANT, mutation(['敏感肌', '高端客户']));
  expect(first.data!.setCustomerTags.tags.map((tag: any) => tag.name).sort()).toEqual(['敏感肌', '高端客户']);
  const second = await execute(testApp, org.tokens.CONSULTANT, mutation(['高端客户', '潜力客户']));
  expect(second.data!.setCustomerTags.tags.map((tag: any) => tag.name).sort()).toEqual([
    '潜力客户',
    '高端客户',
  ]);
  const tags = (await execute(testApp, org.tokens.MANAGER, `{ tags { id name } }`)).data!.tags;
  const high = tags.find((tag: any) => tag.name === '高端客户');
  const filtered = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ customers(filter: { tagIds: ["${high.id}"] }) { totalCount edges { node { name } } } }`,
  );
  expect(filtered.data!.customers.edges).toEqual([{ node: { name: '李四' } }]);
  expect(filtered.data!.customers.totalCount).toBe(1);
  const potential = tags.find((tag: any) => tag.name === '潜力客户');
  const both = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ customers(filter: { tagIds: ["${high.id}", "${potential.id}"] }) { totalCount edges { node { name } } } }`,
  );
  expect(both.data!.customers).toEqual({ totalCount: 1, edges: [{ node: { name: '李四' } }] });
});

test('assign consultant: role is checked; the new consultant then reads the health profile', async () => {
  const assign = (consultantId: string) =>
    execute(
      testApp,
      org.tokens.MANAGER,
      `mutation { assignCustomerStaff(id: "${org.unassigned.id}", consultantId: "${consultantId}") { assignedConsultant { displayName } } }`,
    );
  const wrongRole = await assign(org.users.FRONT_DESK.id);
  expect(wrongRole.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'consultantId',
    rule: 'role',
  });
  const health = `{ customer(id: "${org.unassigned.id}") { healthProfile { allergies { substance } } } }`;
  expect(
    (await execute(testApp, org.tokens.OTHER_CONSULTANT, health)).data!.customer.healthProfile,
  ).toBeNull();
  expect((await assign(org.users.OTHER_CONSULTANT.id)).errors).toBeUndefined();
  const after = await execute(testApp, org.tokens.OTHER_CONSULTANT, health);
  expect(after.data!.customer.healthProfile.allergies).toEqual([{ substance: '芒果' }]);
  await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation { assignCustomerStaff(id: "${org.unassigned.id}", consultantId: null) { id } }`,
  );
});
