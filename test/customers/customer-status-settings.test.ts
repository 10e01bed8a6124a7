import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const update = (token: string, input: Record<string, unknown>) =>
  execute(
    testApp,
    token,
    `mutation($input: CustomerStatusSettingsInput!) { updateCustomerStatusSettings(input: $input) { dormantAfterDays lostAfterDays } }`,
    { input },
  );

test('the owner sets the DORMANT / LOST thresholds; statuses follow at once; bad input changes nothing', async () => {
  const customer = await createCustomer(testApp, org, '冯可', {
    lastVisitAt: new Date(Date.now() - 40 * 86_400_000),
    createdAt: new Date(Date.now() - 400 * 86_400_000),
  });
  const status = async () =>
    (await execute(testApp, org.tokens.MANAGER, `{ customer(id: "${customer.id}") { status } }`)).data!
      .customer.status;
  expect(await status()).toBe('ACTIVE');

  const changed = await update(org.tokens.OWNER, { dormantAfterDays: 30, lostAfterDays: 60 });
  expect(changed.data!.updateCustomerStatusSettings).toEqual({ dormantAfterDays: 30, lostAfterDays: 60 });
  expect(await status()).toBe('DORMANT');
  await update(org.tokens.OWNER, { lostAfterDays: 35 });
  expect(await status()).toBe('LOST');

  const wrong = await update(org.tokens.OWNER, { dormantAfterDays: 50 });
  expect(wrong.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lostAfterDays' });
  const outOfRange = await update(org.tokens.OWNER, { dormantAfterDays: 0 });
  expect(outOfRange.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  for (const role of ['MANAGER', 'FRONT_DESK'] as const)
    expect((await update(org.tokens[role], { dormantAfterDays: 10 })).errors![0].extensions!.code).toBe(
      'FORBIDDEN',
    );
  expect(
    await countRows(testApp.orm, 'select dormant_after_days as count from organization where id = ?', [
      org.organizationId,
    ]),
  ).toBe(30);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where entity_type = 'Organization' and action = 'UPDATE' and organization_id = ?`,
      [org.organizationId],
    ),
  ).toBe(2);
});
