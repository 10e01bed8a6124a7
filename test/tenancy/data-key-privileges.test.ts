import { Client } from 'pg';
import { rotateDataKey } from '../../src/core/crypto/rotation';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  // The fixture's health data made the organization's first data key.
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

/** A connection as the tables' owner would open it, then in `role` (what the pool does). */
async function connectAs(role: string): Promise<Client> {
  const client = new Client({ connectionString: testApp.url });
  await client.connect();
  await client.query(`set role ${role}`);
  return client;
}

/** The statement is refused for want of privilege; in a transaction rolled back, should it not be. */
async function refused(client: Client, sql: string, params: unknown[] = []): Promise<void> {
  await client.query('begin');
  try {
    await expect(client.query(sql, params)).rejects.toMatchObject({ code: '42501' });
  } finally {
    await client.query('rollback');
  }
}

const keys = async () =>
  (
    await testApp.orm.em
      .getConnection()
      .execute<{ id: string; retired_at: Date | null }[]>(
        `select id, retired_at from data_key where organization_id = ? order by created_at`,
        [org.organizationId],
      )
  ).map((row) => ({ id: row.id, retired: row.retired_at !== null }));

test('the runtime role can read and insert data keys but neither update, delete nor truncate them', async () => {
  const before = await keys();
  expect(before).toHaveLength(1);
  const runtime = await connectAs('wellness_runtime');
  try {
    await runtime.query(`select set_config('app.organization_id', $1, false)`, [org.organizationId]);
    const { rowCount } = await runtime.query(`select id from data_key`);
    expect(rowCount).toBe(1);
    await refused(runtime, `delete from data_key where organization_id = $1`, [org.organizationId]);
    await refused(runtime, `update data_key set retired_at = now() where organization_id = $1`, [
      org.organizationId,
    ]);
    await refused(runtime, `update data_key set wrapped_key = 'x' where organization_id = $1`, [
      org.organizationId,
    ]);
    await refused(runtime, `truncate data_key`);
  } finally {
    await runtime.end();
  }
  expect(await keys()).toEqual(before);
});

test('the jobs role may update only the columns the rotations set, and delete nothing', async () => {
  const jobs = await connectAs('wellness_jobs');
  try {
    await refused(jobs, `delete from data_key`);
    await refused(jobs, `truncate data_key`);
    await refused(jobs, `update data_key set organization_id = gen_random_uuid()`);
    await refused(jobs, `update data_key set created_at = now()`);
    await jobs.query('begin');
    try {
      const updated = await jobs.query(
        `update data_key set wrapped_key = wrapped_key, master_key_id = master_key_id, retired_at = retired_at
          where organization_id = $1`,
        [org.organizationId],
      );
      expect(updated.rowCount).toBe(1);
    } finally {
      await jobs.query('rollback');
    }
  } finally {
    await jobs.end();
  }
});

test('a data key rotation, run as the jobs role, still retires the old key', async () => {
  const [old] = await keys();
  // Outside any tenancy scope the test app's statements run as the jobs role, as the command's do.
  const result = await rotateDataKey(testApp.orm.em.fork(), org.organizationId);
  expect(result.retired).toBe(1);
  expect(await keys()).toEqual([
    { id: old.id, retired: true },
    { id: result.newKeyId, retired: false },
  ]);
});
