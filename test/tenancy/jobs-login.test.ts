import { Client } from 'pg';
import pino from 'pino';
import { Organization } from '../../src/entities';
import { startJobRunner, type JobRunner } from '../../src/jobs/job-runner';
import { JOBS_ROLE, openDatabase, RUNTIME_ROLE, type Database } from '../../src/server/database';
import { createHttpApp } from '../../src/server/http';
import { JOBS_LOGIN, REQUEST_LOGIN } from '../../src/server/request-login';
import { runPrepared } from '../../src/services/sql';
import { asMaintenance, forOrganization, MaintenanceOnRequestPoolError } from '../../src/services/tenancy';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { newKey } from '../support/ledger-fixtures';
import { createTestApp, execute, testConfig, type TestApp } from '../support/test-app';

/**
 * Requests cannot become the jobs role (issue 17, found by an attacker review): the request pool's
 * login was a member of wellness_jobs too, which sees every organization's rows, so a request
 * session able to send its own SQL could `SET ROLE wellness_jobs`. The service now opens two pools
 * on two logins (server/database.ts): the request login may only become the runtime role.
 */
let testApp: TestApp;
let a: OrganizationFixture;
let b: OrganizationFixture;
let database: Database;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  testApp = await createTestApp();
  a = await createOrganization(testApp);
  b = await createOrganization(testApp);
  // A cluster of the earlier version: the request login was granted the jobs role. The service's
  // start takes it back.
  await testApp.asOwner(`grant ${JOBS_ROLE} to ${REQUEST_LOGIN}`);
  // As the service opens its database (DATABASE_URL of the owner), with DATABASE_POOL_SIZE=4.
  database = await openDatabase({ ...testConfig, databaseUrl: testApp.url, databasePoolSize: 4 }, logger);
}, 60_000);
afterAll(async () => {
  await database?.close();
  await testApp.close();
});

test('the request pool has DATABASE_POOL_SIZE connections at most; the jobs pool keeps its own size', () => {
  const maxOf = (orm: Database['orm']) =>
    (orm.em.getConnection().getKnex().client as { pool: { max: number } }).pool.max;
  expect(maxOf(database.orm)).toBe(4);
  expect(maxOf(database.jobsOrm)).toBe(3);
});

/** The SQLSTATE a statement fails with on a connection of the request login, or undefined. */
async function failureOf(client: Client, sql: string): Promise<string | undefined> {
  return client.query(sql).then(
    () => undefined,
    (failure: { code?: string }) => failure.code,
  );
}

test('from a connection of the request pool, SET ROLE wellness_jobs is refused and RESET ROLE sees no row', async () => {
  const [login] = await forOrganization(a.organizationId, () =>
    runPrepared<{ login: string; role: string }>(
      database.orm.em.fork(),
      'select session_user::text as login, current_user::text as role',
      [],
    ),
  );
  expect(login).toEqual({ login: REQUEST_LOGIN, role: RUNTIME_ROLE });
  // On a connection the pool hands out, as an injected statement would run.
  await expect(
    forOrganization(a.organizationId, () => database.orm.em.getConnection().execute(`set role ${JOBS_ROLE}`)),
  ).rejects.toMatchObject({ code: '42501' });
  const client = new Client({ connectionString: database.orm.config.get('clientUrl') });
  await client.connect();
  try {
    expect(await failureOf(client, `set role ${JOBS_ROLE}`)).toBe('42501');
    await client.query('reset role');
    expect((await client.query('select current_user::text as role')).rows[0].role).toBe(REQUEST_LOGIN);
    expect(await failureOf(client, 'select count(*) from customer')).toBe('42501');
    expect(await failureOf(client, 'select count(*) from organization')).toBe('42501');
  } finally {
    await client.end();
  }
});

/** The error (MikroORM wraps it in a DriverException: its message is kept). */
const REFUSED = new MaintenanceOnRequestPoolError().message;

test('asMaintenance on the request pool throws instead of switching role', async () => {
  await expect(
    asMaintenance(() => database.orm.em.fork().count(Organization, {}, { filters: false })),
  ).rejects.toThrow(REFUSED);
  // The check of the master key at start runs across organizations: on the request pool alone it fails.
  await expect(createHttpApp(testConfig, database.orm, testApp.tokens, logger)).rejects.toThrow(REFUSED);
});

test('the jobs pool logs in as the jobs login and works across organizations in maintenance', async () => {
  const [row] = await asMaintenance(() =>
    runPrepared<{ login: string; role: string }>(
      database.jobsOrm.em.fork(),
      'select session_user::text as login, current_user::text as role',
      [],
    ),
  );
  expect(row).toEqual({ login: JOBS_LOGIN, role: JOBS_ROLE });
  const organizations = await asMaintenance(() =>
    database.jobsOrm.em
      .fork()
      .find(Organization, { id: [a.organizationId, b.organizationId] }, { filters: false }),
  );
  expect(organizations).toHaveLength(2);
  // Outside any scope, as the service opens it: no tenant row.
  expect(await database.jobsOrm.em.fork().count(Organization, {}, { filters: false })).toBe(0);
  // With both pools the service starts (key adoption on the jobs pool).
  const { apollo } = await createHttpApp(
    testConfig,
    database.orm,
    testApp.tokens,
    logger,
    undefined,
    database.jobsOrm,
  );
  await apollo.stop();
});

test('the points-expiry job runs end to end through the real runner on the jobs pool', async () => {
  await execute(
    testApp,
    b.tokens.FRONT_DESK,
    `mutation($input: PointsInput!) { earnPoints(input: $input) { dryRun } }`,
    { input: { customerId: b.unassigned.id, points: 30, note: '活动', idempotencyKey: newKey('earn') } },
  );
  await testApp.asOwner(`alter table ledger_entry disable trigger ledger_entry_no_update_or_delete`);
  try {
    await testApp.asOwner(
      `update ledger_entry set expires_at = now() - interval '1 hour' where customer_id = $1 and kind = 'EARN'`,
      [b.unassigned.id],
    );
  } finally {
    await testApp.asOwner(`alter table ledger_entry enable trigger ledger_entry_no_update_or_delete`);
  }
  const runner: JobRunner = await startJobRunner(database.url, database.jobsOrm, logger, {
    schedule: false,
    pollingIntervalSeconds: 0.5,
  });
  try {
    const id = await runner.boss.send('points-expiry', {});
    let output: unknown;
    for (let attempt = 0; attempt < 120 && output === undefined; attempt++) {
      const job = await runner.boss.getJobById('points-expiry', id!);
      if (job?.state === 'failed') throw new Error(`points-expiry failed: ${JSON.stringify(job.output)}`);
      if (job?.state === 'completed') output = job.output;
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((output as Record<string, number>)[b.organizationId]).toBe(30);
  } finally {
    await runner.stop();
  }
  const expiries = await testApp.orm.em
    .getConnection()
    .execute<{ units_delta: number }[]>(
      `select units_delta from ledger_entry where customer_id = ? and kind = 'EXPIRE'`,
      [b.unassigned.id],
    );
  expect(expiries).toEqual([{ units_delta: -30 }]);
}, 60_000);
