import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp, '甲馆');
  other = await createOrganization(testApp, '乙馆');
  for (let index = 0; index < 60; index++) {
    await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`,
      {
        input: { name: `客户${String(index).padStart(2, '0')}`, phone: `1370000${String(1000 + index)}` },
      },
    );
  }
});
afterAll(() => testApp.close());

const names = (result: any) => result.data.customers.edges.map((edge: any) => edge.node.name);
const search = (term: string) =>
  execute(
    testApp,
    org.tokens.FRONT_DESK,
    `{ customers(filter: { search: ${JSON.stringify(term)} }) { totalCount edges { node { name code } } } }`,
  );

test.each([
  ['zhangsan', ['张三']],
  ['zhang', ['张三']],
  ['zs', ['张三']],
  ['ZS', ['张三']],
  ['张', ['张三']],
  ['张三', ['张三']],
  ['8001', ['张三']],
  ['13800138001', ['张三']],
  ['+86 138 0013 8001', ['张三']],
  ['C000002', ['李四']],
  ['c000002', ['李四']],
  ['lisi', ['李四']],
  ['nobody', []],
  ['100%', []],
])('search %s finds %j', async (term, expected) => {
  const result = await search(term);
  expect(result.errors).toBeUndefined();
  expect(names(result)).toEqual(expected);
});

test('a search page is planned for its term on every call; a plain page keeps its prepared plan', async () => {
  // A generic plan cannot see the term: for "zhangwei" at 1M customers it walked the created_at index
  // backwards past 26,953 rows (21 ms) where the pinyin index finds the 848 matches (docs/benchmarks.md).
  const pages: { sql: string; name?: string }[] = [];
  const listener = (query: { sql: string; __knexQueryUid?: string }) => {
    if (/from customer c where/.test(query.sql) && /limit/.test(query.sql))
      pages.push({ sql: query.sql, name: query.__knexQueryUid });
  };
  const knex = testApp.orm.em.getConnection().getKnex();
  knex.on('query', listener);
  try {
    await search('zhangsan');
    await execute(testApp, org.tokens.FRONT_DESK, `{ customers(first: 3) { edges { node { name } } } }`);
  } finally {
    knex.off('query', listener);
  }
  const [searched, plain] = pages;
  expect(searched.sql).toMatch(/like/);
  expect(searched.name).toBeUndefined();
  expect(plain.sql).not.toMatch(/like/);
  expect(plain.name).toMatch(/^read_/);
});

test.each([
  ['NAME', 'ASC'],
  ['NAME', 'DESC'],
  ['CODE', 'ASC'],
  ['CREATED_AT', 'DESC'],
  ['CREATED_AT', 'ASC'],
])('pages ordered by %s %s are stable and complete, also across ties', async (field, direction) => {
  // Twenty customers share one creation time, so the id must break the tie inside the keyset.
  await testApp.orm.em
    .getConnection()
    .execute(
      `update customer set created_at = '2026-01-01T00:00:00Z' where organization_id = ? and name like '客户1%'`,
      [org.organizationId],
    );
  const seen: string[] = [];
  let after: string | null = null;
  let total = 0;
  do {
    const result: any = await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `query($after: String) { customers(first: 7, after: $after, orderBy: { field: ${field}, direction: ${direction} }) { totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }`,
      { after },
    );
    expect(result.errors).toBeUndefined();
    total = result.data.customers.totalCount;
    seen.push(...result.data.customers.edges.map((edge: any) => edge.node.code));
    after = result.data.customers.pageInfo.hasNextPage ? result.data.customers.pageInfo.endCursor : null;
  } while (after);
  expect(total).toBe(62);
  expect(new Set(seen).size).toBe(62);
  if (field === 'CODE') expect(seen).toEqual([...seen].sort());
});

test('a malformed cursor or page size is BAD_USER_INPUT', async () => {
  const cursor = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `{ customers(after: "garbage") { totalCount } }`,
  );
  expect(cursor.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  const size = await execute(testApp, org.tokens.FRONT_DESK, `{ customers(first: 1000) { totalCount } }`);
  expect(size.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
});

describe('organizations never see each other', () => {
  test('lists and lookups stay inside the caller organization', async () => {
    const list = await execute(testApp, other.tokens.MANAGER, `{ customers(first: 100) { totalCount } }`);
    expect(list.data!.customers.totalCount).toBe(2);
    const foreign = await execute(
      testApp,
      other.tokens.MANAGER,
      `{ customer(id: "${org.assigned.id}") { name } }`,
    );
    expect(foreign.errors![0].extensions!.code).toBe('NOT_FOUND');
    expect(JSON.stringify(foreign)).not.toContain('张三');
  });

  test('mutations cannot touch another organization', async () => {
    const attempts = [
      `mutation { updateCustomer(id: "${org.assigned.id}", expectedVersion: 1, input: { name: "黑客" }) { id } }`,
      `mutation { archiveCustomer(id: "${org.assigned.id}") { id } }`,
      `mutation { setCustomerTags(id: "${org.assigned.id}", tagNames: ["x"]) { id } }`,
      `mutation { addAllergy(customerId: "${org.assigned.id}", input: { substance: "x", category: FOOD }) { id } }`,
      `mutation { assignCustomerStaff(id: "${org.unassigned.id}", consultantId: "${other.users.CONSULTANT.id}") { id } }`,
    ];
    for (const attempt of attempts) {
      const result = await execute(testApp, other.tokens.OWNER, attempt);
      expect(result.errors![0].extensions!.code).toBe('NOT_FOUND');
    }
    const assignForeignStaff = await execute(
      testApp,
      org.tokens.MANAGER,
      `mutation { assignCustomerStaff(id: "${org.unassigned.id}", consultantId: "${other.users.CONSULTANT.id}") { id } }`,
    );
    expect(assignForeignStaff.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'consultantId',
    });
    const untouched = await execute(
      testApp,
      org.tokens.MANAGER,
      `{ customer(id: "${org.assigned.id}") { name archivedAt } }`,
    );
    expect(untouched.data!.customer).toEqual({ name: '张三', archivedAt: null });
  });

  test('the same phone may exist in two organizations', async () => {
    const result = await execute(
      testApp,
      other.tokens.FRONT_DESK,
      `mutation { createCustomer(input: { name: "客户", phone: "13700001001" }) { code } }`,
    );
    expect(result.errors).toBeUndefined();
  });
});

test('status filter uses the derived status and the override', async () => {
  await testApp.orm.em
    .getConnection()
    .execute(`update customer set last_visit_at = now() - interval '120 days' where id = ?`, [
      org.unassigned.id,
    ]);
  const dormant = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ customers(filter: { status: [DORMANT] }) { edges { node { name status } } } }`,
  );
  expect(dormant.data!.customers.edges).toEqual([{ node: { name: '李四', status: 'DORMANT' } }]);
  const current = (
    await execute(testApp, org.tokens.MANAGER, `{ customer(id: "${org.unassigned.id}") { version } }`)
  ).data!.customer;
  await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation { updateCustomer(id: "${org.unassigned.id}", expectedVersion: ${current.version}, input: { statusOverride: ACTIVE }) { id } }`,
  );
  const after = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ customers(filter: { status: [DORMANT] }) { totalCount } }`,
  );
  expect(after.data!.customers.totalCount).toBe(0);
});

test('a status filter may name every status, also more than once (4+ entries failed with INTERNAL_SERVER_ERROR)', async () => {
  const all = await execute(testApp, org.tokens.MANAGER, `{ customers { totalCount } }`);
  const repeated = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ customers(filter: { status: [ACTIVE, DORMANT, LOST, ACTIVE, DORMANT] }) { totalCount } }`,
  );
  expect(repeated.errors).toBeUndefined();
  expect(repeated.data!.customers.totalCount).toBe(all.data!.customers.totalCount);
});

test('customers(first: 50) with health, allergies, tags and staff costs the same statements as first: 5', async () => {
  const query = (
    first: number,
  ) => `{ customers(first: ${first}) { totalCount edges { node { name hasHealthAlerts status
    tags { name } assignedConsultant { displayName } assignedTherapist { displayName }
    healthProfile { constitution allergies { substance } medicalHistory { condition } specialConditions { kind } } } } } }`;
  const countFor = async (first: number) => {
    testApp.statements.reset();
    const result = await execute(testApp, org.tokens.MANAGER, query(first));
    expect(result.errors).toBeUndefined();
    expect(result.data!.customers.edges.length).toBe(first);
    return testApp.statements.count;
  };
  const small = await countFor(5);
  const large = await countFor(50);
  expect(large).toBe(small);
  expect(large).toBeLessThanOrEqual(14);
});

test('totalCount is counted in the page statement: selecting it costs no statement, and it ignores the cursor', async () => {
  const page = (after: string | null, withCount: boolean) =>
    execute(
      testApp,
      org.tokens.MANAGER,
      `query($after: String) { customers(first: 2, after: $after) { ${withCount ? 'total: totalCount' : ''}
        edges { node { name } } pageInfo { endCursor } } }`,
      { after },
    );
  const everyone = (
    await execute(
      testApp,
      org.tokens.MANAGER,
      `{ customers(first: 100) { edges { node { id } } pageInfo { endCursor } } }`,
    )
  ).data!.customers;
  const all = everyone.edges.length;
  testApp.statements.reset();
  const without = await page(null, false);
  const withoutCount = testApp.statements.count;
  testApp.statements.reset();
  const first = await page(null, true);
  expect(testApp.statements.count).toBe(withoutCount);
  expect(without.errors).toBeUndefined();
  expect(first.data!.customers.total).toBe(all);
  const second = await page(first.data!.customers.pageInfo.endCursor, true);
  expect(second.data!.customers.edges.length).toBeGreaterThan(0);
  expect(second.data!.customers.total).toBe(all);
  // Past the end the page has no row to carry the count: it is counted apart.
  const pastEnd = await page(everyone.pageInfo.endCursor, true);
  expect(pastEnd.data!.customers.edges).toEqual([]);
  expect(pastEnd.data!.customers.total).toBe(all);
});

describe('audit log', () => {
  test('a read of health fields writes one row per customer, with field names only, in one INSERT', async () => {
    const before = await countRows(
      testApp.orm,
      `select count(*) from audit_event where action = 'READ' and organization_id = ?`,
      [org.organizationId],
    );
    const inserts: string[] = [];
    const listener = (query: { sql: string }) => {
      if (/^insert into "audit_event"/.test(query.sql)) inserts.push(query.sql);
    };
    testApp.orm.em.getConnection().getKnex().on('query', listener);
    await execute(
      testApp,
      org.tokens.MANAGER,
      `query ReadHealth { customers(first: 2, orderBy: { field: CODE, direction: ASC }) { edges { node { healthProfile { allergies { substance } notes } } } } }`,
    );
    const rows = await testApp.orm.em
      .getConnection()
      .execute(
        `select customer_id, fields, operation_name, role, request_id from audit_event where action = 'READ' and organization_id = ? order by id desc limit 2`,
        [org.organizationId],
      );
    expect(
      await countRows(
        testApp.orm,
        `select count(*) from audit_event where action = 'READ' and organization_id = ?`,
        [org.organizationId],
      ),
    ).toBe(before + 2);
    expect(rows.map((row: any) => row.customer_id).sort()).toEqual(
      [org.assigned.id, org.unassigned.id].sort(),
    );
    for (const row of rows) {
      expect(row).toMatchObject({
        fields: ['allergies', 'notes'],
        operation_name: 'ReadHealth',
        role: 'MANAGER',
      });
      expect(row.request_id).toBeTruthy();
    }
    expect(JSON.stringify(rows)).not.toMatch(/薰衣草|健康备注/);
    testApp.orm.em.getConnection().getKnex().removeListener('query', listener);
    expect(inserts).toHaveLength(1);
  });

  test('a denied read writes no audit row', async () => {
    const before = await countRows(testApp.orm, `select count(*) from audit_event where action = 'READ'`);
    await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `{ customers(first: 5) { edges { node { healthProfile { allergies { substance } } } } } }`,
    );
    expect(await countRows(testApp.orm, `select count(*) from audit_event where action = 'READ'`)).toBe(
      before,
    );
  });

  test('the audit log is append-only for the application, and its trigger refuses even the owner', async () => {
    const connection = testApp.orm.em.getConnection();
    await expect(connection.execute(`update audit_event set fields = '{}'`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(connection.execute(`delete from audit_event`)).rejects.toThrow(/permission denied/);
    await expect(connection.execute(`truncate audit_event`)).rejects.toThrow(/permission denied/);
    await expect(testApp.asOwner(`update audit_event set fields = '{}'`)).rejects.toThrow(/append-only/);
    await expect(testApp.asOwner(`delete from audit_event`)).rejects.toThrow(/append-only/);
    await expect(testApp.asOwner(`truncate audit_event`)).rejects.toThrow(/append-only/);
  });

  test('auditEvents is readable by OWNER, MANAGER and AUDITOR only, and scoped to the customer', async () => {
    const query = `{ auditEvents(customerId: "${org.assigned.id}", first: 50) { totalCount edges { node { action customerId fields } } } }`;
    for (const role of ['OWNER', 'MANAGER', 'AUDITOR'] as const) {
      const result = await execute(testApp, org.tokens[role], query);
      expect(result.errors).toBeUndefined();
      expect(result.data!.auditEvents.totalCount).toBeGreaterThan(0);
      expect(
        result.data!.auditEvents.edges.every((edge: any) => edge.node.customerId === org.assigned.id),
      ).toBe(true);
    }
    for (const role of ['CONSULTANT', 'THERAPIST', 'FRONT_DESK', 'MARKETING'] as const) {
      expect((await execute(testApp, org.tokens[role], query)).errors![0].extensions!.code).toBe('FORBIDDEN');
    }
    const foreign = await execute(testApp, other.tokens.AUDITOR, query);
    expect(foreign.data!.auditEvents.totalCount).toBe(0);
  });
});
