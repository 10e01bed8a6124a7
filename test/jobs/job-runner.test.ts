import pino from 'pino';
import { startJobRunner, type JobRunner } from '../../src/jobs/job-runner';
import { createCatalogue } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { newKey } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
const runners: JobRunner[] = [];

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  const logger = pino({ level: 'silent' });
  // Two workers on one database, as with two API instances (or the API and `npm run worker`).
  for (let worker = 0; worker < 2; worker++)
    runners.push(
      await startJobRunner(testApp.url, testApp.orm, logger, {
        schedule: false,
        pollingIntervalSeconds: 0.5,
      }),
    );
}, 60_000);
afterAll(async () => {
  for (const runner of runners) await runner.stop();
  await testApp.close();
});

/** Sends a job through pg-boss and waits until a worker has completed it. */
async function runJob(runner: JobRunner, name: string): Promise<unknown> {
  const id = await runner.boss.send(name, {});
  for (let attempt = 0; attempt < 120; attempt++) {
    const job = await runner.boss.getJobById(name, id!);
    if (job?.state === 'completed') return job.output;
    if (job?.state === 'failed') throw new Error(`${name} failed: ${JSON.stringify(job.output)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not complete`);
}

test('care-schedule jobs sent to two workers at once create the 回访 once', async () => {
  const menu = await createCatalogue(testApp, org);
  const visited = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId: org.assigned.id,
        storeId: org.storeId,
        visitedAt: new Date(Date.now() - 26 * 3_600_000).toISOString(),
        lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
      },
    },
  );
  expect(visited.errors).toBeUndefined();
  await Promise.all([
    runJob(runners[0], 'care-schedule'),
    runJob(runners[1], 'care-schedule'),
    runJob(runners[0], 'care-schedule'),
  ]);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from care_task where organization_id = ? and kind = 'VISIT_FOLLOW_UP'`,
      [org.organizationId],
    ),
  ).toBe(1);
  const mine = await execute(
    testApp,
    org.tokens.CONSULTANT,
    `{ myCareTasks { edges { node { kind visitId } } } }`,
  );
  expect(mine.data!.myCareTasks.edges.map((edge: any) => edge.node)).toEqual([
    { kind: 'VISIT_FOLLOW_UP', visitId: visited.data!.recordVisit.id },
  ]);
}, 60_000);

test('the points-expiry job writes off lapsed points as a scheduled EXPIRE entry, once', async () => {
  await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: PointsInput!) { earnPoints(input: $input) { dryRun } }`,
    {
      input: { customerId: org.unassigned.id, points: 80, note: '活动', idempotencyKey: newKey('earn') },
    },
  );
  await testApp.asOwner(`alter table ledger_entry disable trigger ledger_entry_no_update_or_delete`);
  try {
    await testApp.asOwner(
      `update ledger_entry set expires_at = now() - interval '1 hour' where customer_id = $1 and kind = 'EARN'`,
      [org.unassigned.id],
    );
  } finally {
    await testApp.asOwner(`alter table ledger_entry enable trigger ledger_entry_no_update_or_delete`);
  }
  const output = (await runJob(runners[1], 'points-expiry')) as Record<string, number>;
  expect(output[org.organizationId]).toBe(80);
  await runJob(runners[0], 'points-expiry');
  const expiries = await testApp.orm.em
    .getConnection()
    .execute<{ units_delta: number; recorded_by_user_id: string | null }[]>(
      `select units_delta, recorded_by_user_id from ledger_entry where customer_id = ? and kind = 'EXPIRE'`,
      [org.unassigned.id],
    );
  expect(expiries).toEqual([{ units_delta: -80, recorded_by_user_id: null }]);
}, 60_000);

test('the idempotency-purge job removes records past their week and keeps recent ones', async () => {
  await testApp.asOwner(
    `insert into idempotency_record (organization_id, key, operation, request_hash, response, created_at)
     values ($1, 'old-key', 'sellCard', 'x', '{}', now() - interval '8 days'),
            ($1, 'new-key', 'sellCard', 'x', '{}', now() - interval '2 days')`,
    [org.organizationId],
  );
  // pg-boss wraps a job's scalar result as { value }.
  expect(await runJob(runners[0], 'idempotency-purge')).toEqual({ value: 1 });
  const keys = await testApp.orm.em
    .getConnection()
    .execute<{ key: string }[]>(
      `select key from idempotency_record where organization_id = ? and key like '%-key'`,
      [org.organizationId],
    );
  expect(keys).toEqual([{ key: 'new-key' }]);
}, 60_000);
