import type { EntityManager } from '@mikro-orm/postgresql';
import { RUNTIME_ROLE } from '../../src/server/database';
import { runCareSchedule } from '../../src/services/care/care-schedule.service';
import * as locks from '../../src/services/organization-lock';
import { recomputeRuleTagsEverywhere } from '../../src/services/segments/tag-rules';
import { asMaintenance } from '../../src/services/tenancy';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

let testApp: TestApp;
let a: OrganizationFixture;
let b: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  a = await createOrganization(testApp, '甲馆');
  b = await createOrganization(testApp, '乙馆');
}, 60_000);
afterEach(() => jest.restoreAllMocks());
afterAll(() => testApp.close());

interface UnitSession {
  role: string;
  organization: string;
  /** Organizations the unit's transaction can see: 1 under the tenant policy, all as wellness_jobs. */
  visible: number;
}

/**
 * What each organization's unit of `work` runs as, read inside its transaction when it takes its
 * advisory lock (the first statement of both units): role, app.organization_id and what the
 * row-level security policy lets it see.
 */
async function unitSessions(work: () => Promise<unknown>): Promise<Record<string, UnitSession>> {
  const seen: Record<string, UnitSession> = {};
  const lock = locks.lockOrganization;
  jest
    .spyOn(locks, 'lockOrganization')
    .mockImplementation(async (em: EntityManager, scope, organizationId) => {
      const [session] = await em.getConnection().execute<UnitSession[]>(
        `select current_user as role, current_setting('app.organization_id', true) as organization,
           (select count(*)::int from organization) as visible`,
        [],
        'all',
        em.getTransactionContext(),
      );
      seen[organizationId] = session;
      return lock(em, scope, organizationId);
    });
  // As the job runner runs every job: in the maintenance scope (wellness_jobs, every row).
  await asMaintenance(work);
  return seen;
}

const eachInItsOwnOrganization = () =>
  Object.fromEntries(
    [a, b].map((org) => [
      org.organizationId,
      { role: RUNTIME_ROLE, organization: org.organizationId, visible: 1 },
    ]),
  );

test('the care schedule runs each organization’s unit as the runtime role, seeing only that organization', async () => {
  const sessions = await unitSessions(() => runCareSchedule(testApp.orm.em.fork()));
  expect(sessions).toMatchObject(eachInItsOwnOrganization());
});

test('the rule tags are recomputed per organization as the runtime role, seeing only that organization', async () => {
  const sessions = await unitSessions(() => recomputeRuleTagsEverywhere(testApp.orm.em.fork()));
  expect(sessions).toMatchObject(eachInItsOwnOrganization());
});
