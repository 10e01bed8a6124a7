import { Client } from 'pg';
import { JOBS_LOGIN, REQUEST_LOGIN } from '../../src/server/request-login';
import { runPrepared } from '../../src/services/sql';
import { forOrganization } from '../../src/services/tenancy';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * The pool logs in as a role that is nothing by itself (found by a review): logged in as the owner
 * and `SET ROLE`-ing, a session able to send its own SQL could `RESET ROLE` and be the owner (the
 * embedded PostgreSQL's superuser) again, past row-level security and the append-only guards.
 */
let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

test('the pools log in as logins that are nothing by themselves; the harness pool is the jobs login', async () => {
  // The harness stages data across organizations (test-app.ts): its pool is the jobs pool's login;
  // the service's request pool and its login: test/tenancy/jobs-login.test.ts.
  const [row] = await forOrganization(org.organizationId, () =>
    runPrepared<{ login: string; role: string }>(
      testApp.orm.em.fork(),
      'select session_user::text as login, current_user::text as role',
      [],
    ),
  );
  expect(row).toEqual({ login: JOBS_LOGIN, role: 'wellness_runtime' });
  for (const login of [REQUEST_LOGIN, JOBS_LOGIN]) {
    const [attributes] = await testApp.orm.em
      .getConnection()
      .execute<{ rolsuper: boolean; rolinherit: boolean; rolbypassrls: boolean }[]>(
        'select rolsuper, rolinherit, rolbypassrls from pg_roles where rolname = ?',
        [login],
      );
    expect(attributes).toEqual({ rolsuper: false, rolinherit: false, rolbypassrls: false });
  }
});

test('RESET ROLE on a session of the pool leaves it able to read nothing', async () => {
  const client = new Client({ connectionString: testApp.orm.config.get('clientUrl') });
  await client.connect();
  try {
    await client.query(`set role wellness_runtime`);
    await client.query(`select set_config('app.organization_id', $1, false)`, [org.organizationId]);
    expect(Number((await client.query('select count(*) from customer')).rows[0].count)).toBeGreaterThan(0);
    await client.query('reset role');
    const error = await client.query('select count(*) from customer').then(
      () => undefined,
      (failure: { code?: string }) => failure.code,
    );
    expect(error).toBe('42501');
    await expect(client.query('set role postgres')).rejects.toThrow();
  } finally {
    await client.end();
  }
});
