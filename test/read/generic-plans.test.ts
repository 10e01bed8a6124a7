import { Client } from 'pg';
import { COMPILED_READ_TAG } from '../../src/server/compiled-read/compile-entry';
import { RUNTIME_ROLE } from '../../src/server/database';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

/**
 * A named statement's plan: PostgreSQL plans its first five runs for their values (custom plans), then
 * keeps the generic plan, made once, unless it looks costlier than they did. The list page bound the
 * organization and the page sizes as plain parameters; no generic plan ever looked as cheap, and
 * every call was planned anew (1.1 ms of its 4 ms). These pages must keep their generic plan.
 */
let testApp: TestApp;
let org: OrganizationFixture;
let customerId: string;
const captured: { sql: string; bindings: unknown[] }[] = [];

const LIST_PAGE = `{ customers(first: 20) { totalCount edges { node {
    id code name phone status hasHealthAlerts
    healthProfile { constitution notes allergies { substance severity } medicalHistory { condition } }
    accounts { kind balance { amount } }
    visits(first: 5) { edges { node { visitedAt satisfaction feedback
      lines { service { name } therapist { displayName } } } } } } } } }`;

const CUSTOMER_PAGE = `query($id: ID!) {
  customer(id: $id) { id name healthProfile { allergies { substance } } visits(first: 20) { totalCount } }
  ledgerEntries(customerId: $id, first: 10) { edges { node { id } } }
}`;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  for (const name of ['林静怡', '周晓梅', '陈雨桐'])
    customerId = (await createCustomer(testApp, org, name)).id;
  // Statistics as a chain's database has them: this organization holds most customers, another a few.
  // On three unanalysed rows every estimate agrees and any text keeps its generic plan.
  const other = await createOrganization(testApp, '另一家');
  const regular = await createCustomer(testApp, other, '王芳');
  await testApp.orm.em.getConnection().execute(
    `insert into customer (id, organization_id, code, name, name_pinyin, name_initials, important_dates, preferences, created_at)
     select gen_random_uuid(), ?, 'B' || n, '客户' || n, 'kehu' || n, 'kh', '[]', '{}', now() - n * interval '1 hour'
       from generate_series(1, 3000) n`,
    [org.organizationId],
  );
  await testApp.orm.em.getConnection().execute(
    `insert into visit (id, organization_id, store_id, customer_id, visited_at)
     select gen_random_uuid(), c.organization_id, ?, c.id, now() - v * interval '9 days'
       from customer c, generate_series(1, 10) v where c.organization_id = ?`,
    [org.storeId, org.organizationId],
  );
  await testApp.orm.em.getConnection().execute(
    `insert into visit (id, organization_id, store_id, customer_id, visited_at)
     select gen_random_uuid(), ?, ?, ?, now() - v * interval '1 day' from generate_series(1, 3000) v`,
    [other.organizationId, other.storeId, regular.id],
  );
  // As the tables' owner: the app's roles may not analyse them (PostgreSQL skips it with a warning).
  const owner = new Client({ connectionString: testApp.url });
  await owner.connect();
  await owner.query('analyze customer, visit');
  await owner.end();
  testApp.orm.em
    .getConnection()
    .getKnex()
    .on('query', (query: { sql: string; bindings?: unknown[] }) => {
      if (query.sql.startsWith(COMPILED_READ_TAG))
        captured.push({ sql: query.sql, bindings: query.bindings ?? [] });
    });
});
afterAll(() => testApp.close());

/** The page's compiled statement, as the server sent it. */
async function compiledStatement(query: string, variables?: Record<string, unknown>) {
  captured.length = 0;
  const result = await execute(testApp, org.tokens.MANAGER, query, variables);
  expect(result.errors).toBeUndefined();
  expect(captured).toHaveLength(1);
  return captured[0];
}

/**
 * `work` on a connection as the pool's are (runtime role, organization set), with the statement's
 * text numbered as `runPrepared` sends it.
 */
async function asPoolConnection<T>(
  statement: { sql: string },
  work: (client: Client, text: string) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: testApp.url });
  await client.connect();
  try {
    await client.query(`select set_config('role', $1, false), set_config('app.organization_id', $2, false)`, [
      RUNTIME_ROLE,
      org.organizationId,
    ]);
    let index = 0;
    return await work(
      client,
      statement.sql.replace(/\?/g, () => `$${++index}`),
    );
  } finally {
    await client.end();
  }
}

/** Runs the statement as a pool connection would; its plan counts. */
function plansOf(statement: { sql: string; bindings: unknown[] }, runs: number) {
  return asPoolConnection(statement, async (client, text) => {
    for (let run = 0; run < runs; run++)
      await client.query({ name: 'page', text, values: statement.bindings as unknown[] });
    const { rows } = await client.query<{ generic_plans: string; custom_plans: string }>(
      `select generic_plans, custom_plans from pg_prepared_statements where name = 'page'`,
    );
    return { generic: Number(rows[0].generic_plans), custom: Number(rows[0].custom_plans) };
  });
}

test('the list page keeps its generic plan after five custom ones', async () => {
  const statement = await compiledStatement(LIST_PAGE);
  // The organization is bound out of the planner's sight, the page sizes are in the text.
  expect(statement.sql).toContain('organization_id = (select ?::uuid)');
  expect(statement.sql).toMatch(/limit 20\b/);
  expect(await plansOf(statement, 8)).toEqual({ custom: 5, generic: 3 });
});

test("a customer's page and its ledger page keep their generic plan too", async () => {
  const statement = await compiledStatement(CUSTOMER_PAGE, { id: customerId });
  expect(await plansOf(statement, 8)).toEqual({ custom: 5, generic: 3 });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** Tables read somewhere below `node`. */
function relationsBelow(node: PlanNode): string[] {
  return [
    ...(node['Relation Name'] ? [node['Relation Name']] : []),
    ...(node.Plans ?? []).flatMap(relationsBelow),
  ];
}

/** The tables whose rows a Sort node of the plan orders. */
function sortedRelations(node: PlanNode): string[] {
  const here = node['Node Type'] === 'Sort' ? relationsBelow(node) : [];
  return [...here, ...(node.Plans ?? []).flatMap(sortedRelations)];
}

test("each customer's health records and accounts are read in index order, without a sort per customer", async () => {
  const statement = await compiledStatement(`{ customers(first: 20) { edges { node {
    healthProfile { allergies { substance } medicalHistory { condition } specialConditions { kind } }
    accounts { kind } } } } }`);
  const plan = await asPoolConnection(statement, async (client, text) => {
    // The plan a pool connection keeps, with index access as on a real organization's tables (these
    // hold a handful of rows, where a sequential scan and a sort would be as cheap).
    await client.query(
      'set plan_cache_mode = force_generic_plan; set enable_seqscan = off; set enable_bitmapscan = off',
    );
    const types = statement.bindings.map(() => 'unknown').join(', ');
    await client.query(`prepare children_text(${types}) as ${text}`);
    const literals = statement.bindings.map((value) => client.escapeLiteral(String(value))).join(', ');
    const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      `explain (format json) execute children_text(${literals})`,
    );
    return rows[0]['QUERY PLAN'][0].Plan;
  });
  expect(relationsBelow(plan)).toEqual(
    expect.arrayContaining(['allergy', 'medical_condition', 'special_condition', 'account']),
  );
  expect(sortedRelations(plan)).toEqual([]);
});
