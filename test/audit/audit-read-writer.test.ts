import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

/**
 * Health-read audit rows of concurrent requests go into the database together (group commit,
 * src/services/audit/audit-read-writer.ts), each request still answered only after its own rows are
 * committed, with its own request id, and each organization's rows in its own INSERT.
 */
let testApp: TestApp;
let orgs: OrganizationFixture[];
const inserts: string[] = [];

const READ = `{ customers(first: 5) { edges { node { id healthProfile { allergies { substance } notes } } } } }`;

beforeAll(async () => {
  testApp = await createTestApp();
  orgs = [await createOrganization(testApp), await createOrganization(testApp, '隔壁足道')];
  testApp.orm.em
    .getConnection()
    .getKnex()
    .on('query', (query: { sql: string }) => {
      if (query.sql.startsWith('insert into "audit_event"')) inserts.push(query.sql);
    });
});
afterAll(() => testApp.close());

type AuditRow = { organization_id: string; request_id: string; customer_id: string; fields: string[] };

test('concurrent reads share INSERTs, and every request has its rows when it answers', async () => {
  const connection = testApp.orm.em.fork().getConnection();
  const [{ mark }] = await connection.execute<{ mark: Date }[]>('select clock_timestamp() as mark');
  inserts.length = 0;
  const requests = 12;
  const answers = await Promise.all(
    Array.from({ length: requests }, async (_, index) => {
      const org = orgs[index % 2];
      const result = await execute(testApp, org.tokens.MANAGER, READ);
      // Answered: its rows are already there, whatever the batch they went in.
      const written = await connection.execute<{ count: string }[]>(
        `select count(*) as count from audit_event where occurred_at >= ? and organization_id = ? and action = 'READ'`,
        [mark, org.organizationId],
      );
      return { result, org, written: Number(written[0].count) };
    }),
  );
  for (const answer of answers) {
    expect(answer.result.errors).toBeUndefined();
    expect(answer.written).toBeGreaterThanOrEqual(2);
  }
  const rows = await connection.execute<AuditRow[]>(
    `select organization_id, request_id, customer_id, fields from audit_event
      where occurred_at >= ? and action = 'READ'`,
    [mark],
  );
  // Each request its own rows: the fixture's two customers with a profile, both fields, its own org.
  expect(rows).toHaveLength(requests * 2);
  expect(new Set(rows.map((row) => row.request_id)).size).toBe(requests);
  for (const row of rows) expect(row.fields).toEqual(['allergies', 'notes']);
  for (const org of orgs) {
    const own = rows.filter((row) => row.organization_id === org.organizationId);
    expect(own.map((row) => row.customer_id).sort()).toEqual(
      Array.from({ length: requests / 2 }, () => [org.assigned.id, org.unassigned.id])
        .flat()
        .sort(),
    );
  }
  // Fewer INSERTs than requests: the ones finishing while an INSERT was on its way went together.
  expect(inserts.length).toBeLessThan(requests);
});
