import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

test('a NUL character in a variable is BAD_USER_INPUT naming it, also for login', async () => {
  const login = await execute(
    testApp,
    undefined,
    `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`,
    { email: 'manager@demo.yuexin.cn', password: 'demo\u0000password' },
  );
  expect(login.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: '$password',
    rule: 'NUL_CHARACTER',
  });
});

test('a NUL character in a literal argument or nested input changes nothing', async () => {
  const before = await countRows(testApp.orm, 'select count(*) from customer where organization_id = ?', [
    org.organizationId,
  ]);
  const literal = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation { createCustomer(input: { name: "王\\u0000五", phone: "13700009999" }) { id } }`,
  );
  expect(literal.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
  const nested = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`,
    { input: { name: '王五', phone: '13700009999', preferences: { scents: ['檀香', 'bad\u0000'] } } },
  );
  expect(nested.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: '$input.preferences.scents[1]',
  });
  const id = await execute(testApp, org.tokens.MANAGER, `{ customer(id: "\\u0000") { name } }`);
  expect(id.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  expect(
    await countRows(testApp.orm, 'select count(*) from customer where organization_id = ?', [
      org.organizationId,
    ]),
  ).toBe(before);
});

test("a NUL character in a variable's default value is BAD_USER_INPUT naming the variable", async () => {
  const anonymous = await execute(
    testApp,
    undefined,
    `mutation($email: String! = "a\\u0000b@test.cn") { login(email: $email, password: "x") { token } }`,
  );
  const before = await countRows(testApp.orm, 'select count(*) from customer where organization_id = ?', [
    org.organizationId,
  ]);
  const staff = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: CreateCustomerInput! = { name: "王\\u0000五", phone: "13700009998" }) { createCustomer(input: $input) { id } }`,
  );
  expect([anonymous.errors![0].extensions, staff.errors![0].extensions]).toMatchObject([
    { code: 'BAD_USER_INPUT', field: '$email', rule: 'NUL_CHARACTER' },
    { code: 'BAD_USER_INPUT', field: '$input.name', rule: 'NUL_CHARACTER' },
  ]);
  expect(
    await countRows(testApp.orm, 'select count(*) from customer where organization_id = ?', [
      org.organizationId,
    ]),
  ).toBe(before);
});
