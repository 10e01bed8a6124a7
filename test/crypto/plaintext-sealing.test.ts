import { isSealed } from '../../src/core/crypto/envelope';
import { sealPlaintext } from '../../src/core/crypto/rotation';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

/** Plaintext left in sealed columns from before the encryption is sealed, without a key rotation. */
let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) =>
  testApp.orm.em.getConnection().execute<T[]>(text, params);

async function substances(): Promise<string[]> {
  const result = await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customer(id: $id) { healthProfile { allergies { substance } } } }`,
    { id: org.assigned.id },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.customer.healthProfile.allergies.map((allergy: any) => allergy.substance).sort();
}

test('plaintext health values are sealed in place, still read back, and a second pass finds nothing', async () => {
  const ids: string[] = [];
  for (const substance of ['明文甲', '已加密乙']) {
    const added = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!, $input: AllergyInput!) { addAllergy(customerId: $id, input: $input) { id } }`,
      { id: org.assigned.id, input: { substance, category: 'FOOD' } },
    );
    expect(added.errors).toBeUndefined();
    ids.push(added.data!.addAllergy.id);
  }
  const plain = { id: ids[0] };
  const expectedRead = (await substances())
    .map((substance) => (substance === '明文甲' ? '旧明文过敏原' : substance))
    .sort();
  // What a row written before the encryption holds: the value itself.
  await testApp.asOwner(`update allergy set substance = '旧明文过敏原' where id = $1`, [plain.id]);
  const [sealedBefore] = await sql<{ id: string; substance: string }>(
    `select id, substance from allergy where id = ?`,
    [ids[1]],
  );
  expect(await countRows(testApp.orm, `select count(*) from allergy where substance = '旧明文过敏原'`)).toBe(
    1,
  );

  const result = await sealPlaintext(testApp.orm.em.fork(), { batchSize: 1 });
  expect(result.rows).toBeGreaterThanOrEqual(1);

  expect(
    await countRows(testApp.orm, `select count(*) from allergy where strpos(substance, '旧明文过敏原') > 0`),
  ).toBe(0);
  const [after] = await sql<{ substance: string }>(`select substance from allergy where id = ?`, [plain.id]);
  expect(isSealed(after.substance)).toBe(true);
  // A value already sealed is left as it was (not sealed again).
  const [sealedAfter] = await sql<{ substance: string }>(`select substance from allergy where id = ?`, [
    sealedBefore.id,
  ]);
  expect(sealedAfter.substance).toBe(sealedBefore.substance);
  expect(await substances()).toEqual(expectedRead);
  expect(await sealPlaintext(testApp.orm.em.fork())).toMatchObject({ rows: 0 });
});

test('the pass reads the partial indexes of plaintext rows, not the tables', async () => {
  // One plaintext value, so the organization's batch statement runs too (for allergy).
  const [allergy] = await sql<{ id: string }>(`select id from allergy where organization_id = ? limit 1`, [
    org.organizationId,
  ]);
  await testApp.asOwner(`update allergy set substance = '索引明文' where id = $1`, [allergy.id]);
  const knex = testApp.orm.em.getConnection().getKnex();
  const statements: { sql: string; bindings: unknown[] }[] = [];
  const listener = (query: { sql: string; bindings?: unknown[] }) => {
    if (query.sql.includes(`not like 'v1.%'`))
      statements.push({ sql: query.sql, bindings: query.bindings ?? [] });
  };
  knex.on('query', listener);
  try {
    expect(await sealPlaintext(testApp.orm.em.fork())).toMatchObject({ organizations: 1, rows: 1 });
  } finally {
    knex.removeListener('query', listener);
  }
  // Every statement of the pass is planned on its table's partial index (an index with nothing to
  // read in a sealed database): the planner proved the literal predicate implies the index's.
  const tables = new Set<string>();
  for (const statement of statements) {
    const table = /from "(\w+)"/.exec(statement.sql)![1];
    tables.add(table);
    const plan = (
      await sql<{ 'QUERY PLAN': string }>(
        `explain ${statement.sql.replace(/\$\d+/g, '?')}`,
        statement.bindings,
      )
    )
      .map((line) => line['QUERY PLAN'])
      .join('\n');
    expect({ table, plan }).toEqual({ table, plan: expect.stringContaining(`${table}_plaintext_index`) });
    expect({ table, plan }).toEqual({ table, plan: expect.not.stringContaining('Seq Scan') });
  }
  expect([...tables].sort()).toEqual([
    'allergy',
    'health_profile',
    'medical_condition',
    'special_condition',
    'visit',
  ]);
  // The batch statement of the organization with plaintext ran too.
  expect(statements.filter(({ sql }) => sql.startsWith('select id,'))).not.toEqual([]);
});
