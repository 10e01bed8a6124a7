import { Client } from 'pg';
import pino from 'pino';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Customer, Organization } from '../../src/entities';
import { migrateAndOpen } from '../../src/server/database';
import { createHttpApp } from '../../src/server/http';
import { runPrepared } from '../../src/services/sql';
import { asMaintenance, forOrganization } from '../../src/services/tenancy';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { messyGbkCsv, upload } from '../imports/import-support';
import { createTestApp, listen, testConfig, type TestApp } from '../support/test-app';

let testApp: TestApp;
let a: OrganizationFixture;
let b: OrganizationFixture;
/** Every table of the public schema with an organization_id column (found, not listed). */
let tenantTables: string[];

/** A connection as the tables' owner would open it, then in `role` (what the pool does). */
async function connectAs(role: string): Promise<Client> {
  const client = new Client({ connectionString: testApp.url });
  await client.connect();
  await client.query(`set role ${role}`);
  return client;
}

async function count(client: Client, sql: string, params: unknown[] = []): Promise<number> {
  const result = await client.query<{ count: string }>(sql, params);
  return Number(result.rows[0].count);
}

beforeAll(async () => {
  testApp = await createTestApp();
  a = await createOrganization(testApp, '甲馆');
  b = await createOrganization(testApp, '乙馆');
  const owner = new Client({ connectionString: testApp.url });
  await owner.connect();
  try {
    const { rows } = await owner.query<{ table_name: string }>(
      `select c.table_name from information_schema.columns c
         join information_schema.tables t using (table_schema, table_name)
        where c.table_schema = 'public' and c.column_name = 'organization_id' and t.table_type = 'BASE TABLE'
        order by 1`,
    );
    tenantTables = rows.map((row) => row.table_name);
  } finally {
    await owner.end();
  }
});

afterAll(async () => {
  await testApp.close();
});

test('every table with organization_id, and organization, has FORCE row-level security and both policies', async () => {
  expect(tenantTables).toEqual(expect.arrayContaining(['customer', 'ledger_entry', 'audit_event', 'store']));
  const owner = await connectAs('none');
  try {
    const { rows } = await owner.query<{
      table: string;
      enabled: boolean;
      forced: boolean;
      policies: string[];
    }>(
      `select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
              coalesce(array_agg(p.policyname::text order by p.policyname) filter (where p.policyname is not null), '{}') as policies
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         left join pg_policies p on p.schemaname = n.nspname and p.tablename = c.relname
        where n.nspname = 'public' and c.relname = any($1::text[])
        group by c.relname, c.relrowsecurity, c.relforcerowsecurity`,
      [[...tenantTables, 'organization']],
    );
    const unprotected = rows
      .filter(
        (row) =>
          !row.enabled ||
          !row.forced ||
          !row.policies.includes('tenant_isolation') ||
          !row.policies.includes('maintenance'),
      )
      .map((row) => row.table);
    expect(unprotected).toEqual([]);
    expect(rows).toHaveLength(tenantTables.length + 1);
  } finally {
    await owner.end();
  }
});

test('raw SQL as the runtime role, without a filter: no setting sees no row; a setting sees only its organization', async () => {
  const runtime = await connectAs('wellness_runtime');
  const owner = await connectAs('none');
  try {
    let seenOfA = 0;
    for (const table of tenantTables) {
      await runtime.query(`select set_config('app.organization_id', '', false)`);
      // (A refused login for an unknown email is the one row of no organization: audit_event.)
      expect([
        table,
        await count(runtime, `select count(*) from "${table}" where organization_id is not null`),
      ]).toEqual([table, 0]);
      await runtime.query(`select set_config('app.organization_id', $1, false)`, [a.organizationId]);
      const visible = await count(runtime, `select count(*) from "${table}"`);
      const ofA = await count(owner, `select count(*) from "${table}" where organization_id = $1`, [
        a.organizationId,
      ]);
      expect([table, visible]).toEqual([table, ofA]);
      expect([
        table,
        await count(runtime, `select count(*) from "${table}" where organization_id is distinct from $1`, [
          a.organizationId,
        ]),
      ]).toEqual([table, 0]);
      seenOfA += visible;
    }
    // Not vacuous: the fixtures gave A stores, users, customers, health rows.
    expect(seenOfA).toBeGreaterThan(10);
    expect(await count(runtime, `select count(*) from organization`)).toBe(1);
    await runtime.query(`select set_config('app.organization_id', '', false)`);
    expect(await count(runtime, `select count(*) from organization`)).toBe(0);
  } finally {
    await runtime.end();
    await owner.end();
  }
});

test("set to A, the runtime role cannot write a row of B, nor move A's row to B (WITH CHECK)", async () => {
  const runtime = await connectAs('wellness_runtime');
  try {
    await runtime.query(`select set_config('app.organization_id', $1, false)`, [a.organizationId]);
    await expect(
      runtime.query(
        `insert into store (id, organization_id, name, code) values (gen_random_uuid(), $1, '冒名店', 'FAKE')`,
        [b.organizationId],
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      runtime.query(`update store set organization_id = $1 where id = $2`, [b.organizationId, a.storeId]),
    ).rejects.toMatchObject({ code: '42501' });
    // B's rows are not there to update or delete: nothing happens.
    const updated = await runtime.query(`update customer set notes = 'x' where organization_id = $1`, [
      b.organizationId,
    ]);
    expect(updated.rowCount).toBe(0);
    // Its own organization's rows it writes as before.
    const own = await runtime.query(`update store set phone = '02100000000' where id = $1`, [a.storeId]);
    expect(own.rowCount).toBe(1);
  } finally {
    await runtime.end();
  }
});

test('the jobs role sees every organization; login and API-key lookups answer an organization id only', async () => {
  const jobs = await connectAs('wellness_jobs');
  const runtime = await connectAs('wellness_runtime');
  try {
    expect(
      await count(jobs, `select count(*) from customer where organization_id = any($1::uuid[])`, [
        [a.organizationId, b.organizationId],
      ]),
    ).toBe(4);
    const { rows } = await runtime.query(`select tenancy_login_organization($1) as id`, [
      a.users.OWNER.email,
    ]);
    expect(rows[0].id).toBe(a.organizationId);
    expect(await count(runtime, `select count(*) from app_user`)).toBe(0);
    // The jobs role keeps the runtime role's grants: append-only rows stay append-only.
    await expect(jobs.query(`delete from audit_event`)).rejects.toMatchObject({ code: '42501' });
  } finally {
    await jobs.end();
    await runtime.end();
  }
});

describe('a small pool serving two organizations interleaved', () => {
  let strict: MikroORM;

  beforeAll(async () => {
    // As the service opens it: outside any scope, no tenant row.
    strict = (await migrateAndOpen(testApp.url, 2, undefined, { unscoped: 'nothing' })).orm;
  });

  afterAll(async () => {
    await strict.close(true);
  });

  /** The organizations of the customers one statement answers (no filter in the SQL). */
  async function organizationsSeen(organizationId: string | null, round: number): Promise<string[]> {
    return forOrganization(organizationId, async () => {
      const em = strict.em.fork();
      let ids: string[];
      if (round % 3 === 0) {
        const rows = await runPrepared<{ organization_id: string }>(
          em,
          'select organization_id from customer',
          [],
        );
        ids = rows.map((row) => row.organization_id);
      } else if (round % 3 === 1) {
        const customers = await em.find(Customer, {}, { filters: false });
        ids = customers.map((customer) => customer.organization.id);
      } else {
        ids = await em.transactional(async (inner) => {
          const rows = await runPrepared<{ organization_id: string }>(
            inner,
            'select organization_id from customer',
            [],
          );
          return rows.map((row) => row.organization_id);
        });
      }
      return [...new Set(ids)];
    });
  }

  test('a connection never answers one organization with the setting of another', async () => {
    const rounds = Array.from({ length: 60 }, (_, round) => round);
    const results = await Promise.all(
      rounds.map(async (round) => {
        const organizationId = round % 2 === 0 ? a.organizationId : b.organizationId;
        return { organizationId, seen: await organizationsSeen(organizationId, round) };
      }),
    );
    for (const { organizationId, seen } of results) expect(seen).toEqual([organizationId]);
  });

  test('no scope and a scope without organization see nothing; maintenance sees both', async () => {
    expect(await strict.em.fork().count(Customer, {}, { filters: false })).toBe(0);
    expect(await organizationsSeen(null, 0)).toEqual([]);
    const organizations = await asMaintenance(() =>
      strict.em.fork().find(Organization, { id: [a.organizationId, b.organizationId] }, { filters: false }),
    );
    expect(organizations).toHaveLength(2);
    // And after maintenance the same connections serve an organization again with only its rows.
    expect(await organizationsSeen(b.organizationId, 1)).toEqual([b.organizationId]);
  });

  test('over HTTP, with the service configuration, a user sees their organization, logs in and uses an API key', async () => {
    const { app, apollo } = await createHttpApp(
      testConfig,
      strict,
      testApp.tokens,
      pino({ level: 'silent' }),
    );
    const { url, server } = await listen(app);
    const post = async (token: string | undefined, query: string) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data?: any; errors?: unknown[] };
    };
    try {
      const list = await post(a.tokens.OWNER, '{ customers(first: 10) { edges { node { id name } } } }');
      expect(list.errors).toBeUndefined();
      expect(list.data.customers.edges.map((edge: { node: { id: string } }) => edge.node.id).sort()).toEqual(
        [a.assigned.id, a.unassigned.id].sort(),
      );
      const login = await post(
        undefined,
        `mutation { login(email: "${b.users.OWNER.email}", password: "correct horse battery staple") { token } }`,
      );
      expect(login.errors).toBeUndefined();
      const created = await post(
        login.data.login.token,
        `mutation { createApiKey(input: { name: "收银" }) { secret } }`,
      );
      expect(created.errors).toBeUndefined();
      const byKey = await post(
        created.data.createApiKey.secret,
        '{ customers(first: 10) { edges { node { id } } } }',
      );
      expect(byKey.errors).toBeUndefined();
      expect(byKey.data.customers.edges.map((edge: { node: { id: string } }) => edge.node.id).sort()).toEqual(
        [b.assigned.id, b.unassigned.id].sort(),
      );
      // The routes beside /graphql: a streamed upload (busboy callbacks) and a customer's export.
      const uploaded = await upload(url, a.tokens.OWNER, messyGbkCsv(), 'a.csv');
      expect(uploaded.status).toBe(201);
      const exported = await fetch(`${url}/exports/customers/${a.assigned.id}.json`, {
        headers: { authorization: `Bearer ${a.tokens.OWNER}` },
      });
      expect(exported.status).toBe(200);
      expect(await exported.text()).toContain('张三');
      const foreign = await fetch(`${url}/exports/customers/${b.assigned.id}.json`, {
        headers: { authorization: `Bearer ${a.tokens.OWNER}` },
      });
      expect(foreign.status).toBe(404);
    } finally {
      server.close();
      await apollo.stop();
    }
  });
});
