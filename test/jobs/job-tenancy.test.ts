import type { EntityManager } from '@mikro-orm/postgresql';
import { runCustomerRetention } from '../../src/jobs/customer-retention.job';
import { expirePointsEverywhere } from '../../src/jobs/points-expiry.job';
import { refreshDueRfmSnapshots } from '../../src/jobs/rfm-snapshot.job';
import { RUNTIME_ROLE } from '../../src/server/database';
import * as retention from '../../src/services/customers/customer-erasure-retention';
import * as wallets from '../../src/services/membership/wallets';
import * as rfm from '../../src/services/reports/rfm-snapshot';
import { asMaintenance } from '../../src/services/tenancy';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let a: OrganizationFixture;
let b: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  a = await createOrganization(testApp, '甲馆');
  b = await createOrganization(testApp, '乙馆');
}, 60_000);
afterAll(async () => {
  jest.restoreAllMocks();
  await testApp.close();
});

/** The session settings row-level security checks, read on a connection of `em` (services/tenancy.ts). */
async function settingsOf(em: EntityManager): Promise<{ organization: string; role: string }> {
  const [setting] = await em
    .getConnection()
    .execute<{ organization: string; role: string }[]>(
      `select current_setting('app.organization_id', true) as organization, current_user as role`,
    );
  return setting;
}

const inOwnOrganization = (ids: string[]) =>
  Object.fromEntries(ids.map((id) => [id, { organization: id, role: RUNTIME_ROLE }]));

test('customer retention lists organizations across them, then erases each one’s customers in its own organization', async () => {
  for (const org of [a, b]) {
    const set = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation { setCustomerRetention(input: { eraseLostCustomersAfterYears: 2 }) { eraseLostCustomersAfterYears } }`,
    );
    expect(set.errors).toBeUndefined();
  }
  const seen: Record<string, unknown> = {};
  const erase = retention.eraseByRetentionRule;
  jest.spyOn(retention, 'eraseByRetentionRule').mockImplementation(async (em, organizationId, ...rest) => {
    seen[organizationId] = await settingsOf(em);
    return erase(em, organizationId, ...rest);
  });
  // As the job runner runs every job (job-runner.ts): in the maintenance scope.
  const erased = await asMaintenance(() => runCustomerRetention(testApp.orm.em.fork()));
  expect(Object.keys(erased).sort()).toEqual([a.organizationId, b.organizationId].sort());
  expect(seen).toEqual(inOwnOrganization([a.organizationId, b.organizationId]));
});

test('the RFM snapshot job finds the due organizations across them, then computes each one’s in its own organization', async () => {
  const seen: Record<string, unknown> = {};
  const refresh = rfm.refreshRfmSnapshot;
  jest.spyOn(rfm, 'refreshRfmSnapshot').mockImplementation(async (em, organization, ...rest) => {
    seen[organization.organizationId] = await settingsOf(em);
    return refresh(em, organization, ...rest);
  });
  const scored = await asMaintenance(() => refreshDueRfmSnapshots(testApp.orm.em.fork()));
  expect(Object.keys(scored).sort()).toEqual([a.organizationId, b.organizationId].sort());
  expect(seen).toEqual(inOwnOrganization([a.organizationId, b.organizationId]));
});

test('points expiry writes off each organization’s points in its own organization', async () => {
  const seen: Record<string, unknown> = {};
  const expire = wallets.expireAllPoints;
  jest.spyOn(wallets, 'expireAllPoints').mockImplementation(async (em, viewer) => {
    seen[viewer.organizationId] = await settingsOf(em);
    return expire(em, viewer);
  });
  await asMaintenance(() => expirePointsEverywhere(testApp.orm.em.fork()));
  expect(seen).toMatchObject(inOwnOrganization([a.organizationId, b.organizationId]));
});
