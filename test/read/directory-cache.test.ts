import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const viewerRole = async (token: string) => {
  try {
    const result = await execute(testApp, token, `{ viewer { role } }`);
    return result.errors ? String(result.errors[0].extensions!.code) : String(result.data!.viewer.role);
  } catch (error) {
    // A refused credential fails the context itself, as over HTTP (401).
    return String((error as { extensions?: { code?: string } }).extensions?.code);
  }
};

/** Polls until `expected` (the change arrives by NOTIFY at commit), well inside the cache's 5 s. */
async function eventually(read: () => Promise<string>, expected: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (value === expected || Date.now() - started > 2_000) {
      expect(value).toBe(expected);
      return Date.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a user deactivated by plain SQL loses access at once, not after the cache lifetime', async () => {
  const token = org.tokens.CONSULTANT;
  expect(await viewerRole(token)).toBe('CONSULTANT');
  expect(await viewerRole(token)).toBe('CONSULTANT'); // served from the cache now
  await testApp.asOwner(`update app_user set active = false where id = $1`, [org.users.CONSULTANT.id]);
  expect(await eventually(() => viewerRole(token), 'UNAUTHENTICATED')).toBeLessThan(2_000);
  await testApp.asOwner(`update app_user set active = true where id = $1`, [org.users.CONSULTANT.id]);
  await eventually(() => viewerRole(token), 'CONSULTANT');
});

test('a demotion takes the health-reading role away at once', async () => {
  const token = org.tokens.MANAGER;
  expect(await viewerRole(token)).toBe('MANAGER');
  await testApp.asOwner(`update app_user set role = 'FRONT_DESK' where id = $1`, [org.users.MANAGER.id]);
  await eventually(() => viewerRole(token), 'FRONT_DESK');
  await testApp.asOwner(`update app_user set role = 'MANAGER' where id = $1`, [org.users.MANAGER.id]);
  await eventually(() => viewerRole(token), 'MANAGER');
});

test('an organization setting changed by plain SQL is seen by the next requests', async () => {
  const cap = async () => {
    const result = await execute(
      testApp,
      org.tokens.MANAGER,
      `{ customers(first: 1) { edges { node { marketingCap { count } } } } }`,
    );
    return String(result.data!.customers.edges[0].node.marketingCap.count);
  };
  const before = await cap();
  await testApp.asOwner(`update organization set marketing_cap_count = 7 where id = $1`, [
    org.organizationId,
  ]);
  await eventually(cap, '7');
  await testApp.asOwner(`update organization set marketing_cap_count = $2 where id = $1`, [
    org.organizationId,
    Number(before),
  ]);
  await eventually(cap, before);
});
