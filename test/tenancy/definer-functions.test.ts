import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * SECURITY DEFINER functions run past row-level security as the owner (found by a review): the
 * runtime role could rebuild any organization's rollups and redact any organization's audit history.
 */
let testApp: TestApp;
let a: OrganizationFixture;
let b: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  a = await createOrganization(testApp, '甲馆');
  b = await createOrganization(testApp, '乙馆');
});
afterAll(() => testApp.close());

/** A session as the pool opens one: the login, then the role and the organization. */
async function session(role: string, organizationId: string): Promise<Client> {
  const client = new Client({ connectionString: testApp.url });
  await client.connect();
  await client.query(`select set_config('role', $1, false), set_config('app.organization_id', $2, false)`, [
    role,
    organizationId,
  ]);
  return client;
}

async function sqlState(client: Client, sql: string, params: unknown[]): Promise<string | undefined> {
  try {
    await client.query(sql, params);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

const ERASE = 'select erase_customer_history($1, $2, $3::uuid[], $4::text[])';

test("the runtime role redacts only its own organization's history and calls no rollup rebuild", async () => {
  const runtime = await session('wellness_runtime', a.organizationId);
  try {
    expect(await sqlState(runtime, ERASE, [b.organizationId, randomUUID(), [], ['某值']])).toBe('42501');
    expect(await sqlState(runtime, ERASE, [a.organizationId, randomUUID(), [], ['某值']])).toBeUndefined();
    expect(await sqlState(runtime, 'select report_rollups_rebuild($1)', [b.organizationId])).toBe('42501');
    expect(await sqlState(runtime, 'select report_staff_rebuild($1)', [a.organizationId])).toBe('42501');
    expect(
      await sqlState(runtime, 'select erase_customer_history_unchecked($1, $2, $3::uuid[], $4::text[])', [
        b.organizationId,
        randomUUID(),
        [],
        ['某值'],
      ]),
    ).toBe('42501');
  } finally {
    await runtime.end();
  }
});

test('the jobs role (the retention job) erases in any organization', async () => {
  const jobs = await session('wellness_jobs', '');
  try {
    expect(await sqlState(jobs, ERASE, [b.organizationId, randomUUID(), [], ['某值']])).toBeUndefined();
  } finally {
    await jobs.end();
  }
});

test('the runtime role can attach no SECURITY DEFINER trigger function to a table of its own', async () => {
  const runtime = await session('wellness_runtime', a.organizationId);
  try {
    // The shape customer_tally_inserted reads: with it attached, an insert here counted customers of
    // any organization, as the owner.
    await runtime.query(`create temp table forged (organization_id uuid, archived_at timestamptz)`);
    expect(
      await sqlState(
        runtime,
        `create trigger forge after insert on forged referencing new table as new_customers
           for each statement execute function public.customer_tally_inserted()`,
        [],
      ),
    ).toBe('42501');
    expect(
      await sqlState(
        runtime,
        `create trigger wipe after truncate on forged for each statement execute function public.customer_tally_truncated()`,
        [],
      ),
    ).toBe('42501');
    // Every such function of the schema, those a later migration adds included.
    const { rows } = await runtime.query<{ signature: string }>(
      `select p.oid::regprocedure::text as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.prosecdef and p.prorettype = 'trigger'::regtype
          and has_function_privilege(current_user, p.oid, 'execute')`,
    );
    expect(rows).toEqual([]);
  } finally {
    await runtime.end();
  }
});
