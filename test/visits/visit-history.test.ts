import { HealthProfile } from '../../src/entities';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer, createProduct } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
let integrationKey: string;
/** Today's visit of the assigned customer by THERAPIST, with condition notes. */
let assignedVisit: string;
/** A visit three days ago of the unassigned customer by OTHER_THERAPIST, with condition notes. */
let pastVisit: string;

const DAY = 86_400_000;

const record = async (token: string, input: Record<string, unknown>) => {
  const result = await execute(
    testApp,
    token,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    { input },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.recordVisit.id as string;
};

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  const key = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createApiKey(input: { name: "收银系统" }) { secret } }`,
  );
  integrationKey = key.data!.createApiKey.secret;
  const oil = await createProduct(testApp, org, '艾草精油', 100);
  assignedVisit = await record(org.tokens.THERAPIST, {
    customerId: org.assigned.id,
    storeId: org.storeId,
    conditionNotes: '颈椎僵硬',
    lines: [{ serviceId: menu.massage.id, products: [{ productId: oil.id, quantity: 2 }] }],
  });
  pastVisit = await record(org.tokens.MANAGER, {
    customerId: org.unassigned.id,
    storeId: org.storeId,
    visitedAt: new Date(Date.now() - 3 * DAY).toISOString(),
    conditionNotes: '腰肌劳损',
    lines: [{ serviceId: menu.massage.id, therapistId: org.users.OTHER_THERAPIST.id }],
  });
});
afterAll(() => testApp.close());

const notesOf = (token: string, visitId: string) =>
  execute(
    testApp,
    token,
    `query Notes($id: ID!) {
      direct: visit(id: $id) { id conditionNotes }
      aliased: visit(id: $id) { id n: conditionNotes }
      fragment: visit(id: $id) { ...Health }
      nested: visit(id: $id) { customer { visits(first: 5) { edges { node { id conditionNotes } } } } }
    }
    fragment Health on Visit { ... on Visit { conditionNotes } }`,
    { id: visitId },
  );

/** Whether every path to the visit's condition notes gave the value (true) or null + FORBIDDEN (false). */
function readable(result: Awaited<ReturnType<typeof notesOf>>, visitId: string, notes: string): boolean {
  const data = result.data!;
  const nested = data.nested.customer.visits.edges.find(
    (edge: { node: { id: string } }) => edge.node.id === visitId,
  ).node;
  const values = [
    data.direct.conditionNotes,
    data.aliased.n,
    data.fragment.conditionNotes,
    nested.conditionNotes,
  ];
  if (values.every((value) => value === notes)) return true;
  expect(values).toEqual([null, null, null, null]);
  const forbidden = result.errors!.filter((error) => error.extensions!.code === 'FORBIDDEN');
  expect(forbidden.map((error) => error.path!.at(-1))).toEqual(
    expect.arrayContaining(['conditionNotes', 'n', 'conditionNotes', 'conditionNotes']),
  );
  expect(data.direct.id).toBe(visitId);
  return false;
}

test('condition notes per role, through aliases, fragments and nested paths', async () => {
  const expectations: [string, string, string, boolean | 'NOT_FOUND' | 'FORBIDDEN'][] = [
    ['OWNER', assignedVisit, '颈椎僵硬', true],
    ['MANAGER', pastVisit, '腰肌劳损', true],
    ['CONSULTANT', assignedVisit, '颈椎僵硬', true],
    ['CONSULTANT', pastVisit, '腰肌劳损', false],
    ['OTHER_CONSULTANT', assignedVisit, '颈椎僵硬', false],
    // The therapist serves the assigned customer (专属技师, and today's visit).
    ['THERAPIST', assignedVisit, '颈椎僵硬', true],
    // Their own visit of three days ago, and no service today: no health notes.
    ['OTHER_THERAPIST', pastVisit, '腰肌劳损', false],
    // Another therapist's visit does not exist for a therapist.
    ['OTHER_THERAPIST', assignedVisit, '颈椎僵硬', 'NOT_FOUND'],
    ['FRONT_DESK', assignedVisit, '颈椎僵硬', false],
    ['INTEGRATION', assignedVisit, '颈椎僵硬', false],
    ['MARKETING', assignedVisit, '颈椎僵硬', 'FORBIDDEN'],
    ['AUDITOR', assignedVisit, '颈椎僵硬', 'FORBIDDEN'],
  ];
  for (const [role, visitId, notes, expected] of expectations) {
    const token = role === 'INTEGRATION' ? integrationKey : org.tokens[role as keyof typeof org.tokens];
    const result = await notesOf(token, visitId);
    if (expected === 'NOT_FOUND' || expected === 'FORBIDDEN') {
      expect([role, result.data?.direct ?? null]).toEqual([role, null]);
      expect([role, result.errors![0].extensions!.code]).toEqual([role, expected]);
      continue;
    }
    expect([role, readable(result, visitId, notes)]).toEqual([role, expected]);
  }
});

test('reading condition notes is audited with the field name; not reading them writes nothing', async () => {
  const reads = () =>
    countRows(
      testApp.orm,
      `select count(*) from audit_event where action = 'READ' and customer_id = ? and fields::text like '%conditionNotes%'`,
      [org.unassigned.id],
    );
  const before = await reads();
  await execute(testApp, org.tokens.MANAGER, `{ visit(id: "${pastVisit}") { satisfaction } }`);
  expect(await reads()).toBe(before);
  await execute(testApp, org.tokens.MANAGER, `{ visit(id: "${pastVisit}") { conditionNotes } }`);
  expect(await reads()).toBe(before + 1);
});

test('therapists see no money: listPrice is hidden from them and shown to the desk', async () => {
  const query = `{ visit(id: "${assignedVisit}") { lines { listPrice { amount currency } service { name } } } }`;
  const desk = await execute(testApp, org.tokens.FRONT_DESK, query);
  expect(desk.data!.visit.lines[0].listPrice).toEqual({ amount: '198.00', currency: 'CNY' });
  const therapist = await execute(testApp, org.tokens.THERAPIST, query);
  expect(therapist.data!.visit.lines[0]).toEqual({ listPrice: null, service: { name: '肩颈推拿' } });
  expect(therapist.errors![0]).toMatchObject({
    path: ['visit', 'lines', 0, 'listPrice'],
    extensions: { code: 'FORBIDDEN' },
  });
});

describe('history', () => {
  let customerId: string;
  const visitTimes = [1, 5, 9, 2, 30].map((daysAgo) => new Date(Date.now() - daysAgo * DAY - 3_600_000));

  beforeAll(async () => {
    customerId = (await createCustomer(testApp, org, '陈静')).id;
    for (const [index, visitedAt] of visitTimes.entries())
      await record(org.tokens.FRONT_DESK, {
        customerId,
        storeId: org.storeId,
        visitedAt: visitedAt.toISOString(),
        satisfaction: 5 - (index % 3),
        lines: [
          {
            serviceId: index % 2 ? menu.haircut.id : menu.massage.id,
            therapistId: index % 2 ? org.users.OTHER_THERAPIST.id : org.users.THERAPIST.id,
          },
        ],
      });
  });

  test('Customer.visits is a connection, newest first, paged with stable cursors', async () => {
    const page = (after?: string) =>
      execute(
        testApp,
        org.tokens.FRONT_DESK,
        `query($id: ID!, $after: String) { customer(id: $id) { visitCount lastVisitAt
          visits(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { visitedAt } } } } }`,
        { id: customerId, after },
      );
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const result = await page(after);
      expect(result.errors).toBeUndefined();
      const { visits, visitCount, lastVisitAt } = result.data!.customer;
      expect(visitCount).toBe(5);
      expect(visits.totalCount).toBe(5);
      expect(new Date(lastVisitAt)).toEqual(visitTimes[0]);
      seen.push(...visits.edges.map((edge: { node: { visitedAt: string } }) => edge.node.visitedAt));
      if (!visits.pageInfo.hasNextPage) break;
      after = visits.pageInfo.endCursor;
    }
    const newestFirst = [...visitTimes]
      .sort((a, b) => b.getTime() - a.getTime())
      .map((at) => at.toISOString());
    expect(seen.map((at) => new Date(at).toISOString())).toEqual(newestFirst);
  });

  test('visits filter by date range, therapist and store; myVisits lists the caller’s own', async () => {
    const list = (token: string, field: string, filter: Record<string, unknown>) =>
      execute(
        testApp,
        token,
        `query($filter: VisitFilter) { ${field}(first: 50, filter: $filter) { totalCount edges { node { id visitedAt lines { therapist { id } } } } } }`,
        { filter },
      );
    const range = await list(org.tokens.MANAGER, 'visits', {
      customerId,
      from: new Date(Date.now() - 10 * DAY).toISOString(),
      to: new Date(Date.now() - 1.5 * DAY).toISOString(),
    });
    expect(range.data!.visits.totalCount).toBe(3);
    const byTherapist = await list(org.tokens.MANAGER, 'visits', {
      customerId,
      therapistId: org.users.OTHER_THERAPIST.id,
      storeId: org.storeId,
    });
    expect(byTherapist.data!.visits.totalCount).toBe(2);
    const mine = await list(org.tokens.OTHER_THERAPIST, 'myVisits', { customerId });
    expect(mine.data!.myVisits.totalCount).toBe(2);
    for (const edge of mine.data!.myVisits.edges)
      expect(edge.node.lines.map((line: { therapist: { id: string } }) => line.therapist.id)).toContain(
        org.users.OTHER_THERAPIST.id,
      );
    // A therapist's general list is scoped to their own visits as well.
    const scoped = await list(org.tokens.OTHER_THERAPIST, 'visits', { customerId });
    expect(scoped.data!.visits.totalCount).toBe(2);
    const marketing = await list(org.tokens.MARKETING, 'visits', {});
    expect(marketing.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

test('customers → visits → lines → therapist, service and products cost the same statements for 2 or 20 customers', async () => {
  const oil = await createProduct(testApp, org, '生姜精油', 1_000);
  for (let index = 0; index < 20; index++) {
    const customer = await createCustomer(testApp, org, `批量客户${index}`);
    for (let visit = 0; visit < 2; visit++)
      await record(org.tokens.MANAGER, {
        customerId: customer.id,
        storeId: org.storeId,
        visitedAt: new Date(Date.now() - (visit + 1) * DAY).toISOString(),
        conditionNotes: '无不适',
        lines: [
          {
            serviceId: menu.massage.id,
            therapistId: org.users.THERAPIST.id,
            products: [{ productId: oil.id, quantity: 1 }],
          },
          { serviceId: menu.haircut.id, therapistId: org.users.OTHER_THERAPIST.id },
        ],
      });
  }
  const countFor = async (first: number) => {
    testApp.statements.reset();
    const result = await execute(
      testApp,
      org.tokens.MANAGER,
      `{ customers(first: ${first}, filter: { search: "批量客户" }) { edges { node { name
          appointments(first: 2) { totalCount edges { node { status items { therapist { displayName } } } } }
          visits(first: 2) { totalCount edges { node { visitedAt conditionNotes
            lines { listPrice { amount } service { name } therapist { displayName } products { productName quantity } } } } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const edges = result.data!.customers.edges;
    expect(edges).toHaveLength(first);
    for (const edge of edges) {
      expect(edge.node.visits.totalCount).toBe(2);
      expect(edge.node.visits.edges[0].node.lines).toHaveLength(2);
    }
    return testApp.statements.count;
  };
  const small = await countFor(2);
  const large = await countFor(20);
  expect(large).toBe(small);
});

test('the list page of the read path (health profile, accounts, visits with lines) costs at most 6 statements for 2 or 20 customers', async () => {
  for (let index = 0; index < 20; index++) {
    const customer = await createCustomer(testApp, org, `列表客户${index}`);
    // Customers made by the API get an empty profile with the record; this fixture inserts directly.
    const em = testApp.orm.em.fork();
    em.create(HealthProfile, { organization: org.organizationId, customer: customer.id });
    await em.flush();
    const allergy = await execute(
      testApp,
      org.tokens.MANAGER,
      `mutation($id: ID!) { addAllergy(customerId: $id, input: { substance: "薰衣草精油", category: ESSENTIAL_OIL }) { id } }`,
      { id: customer.id },
    );
    expect(allergy.errors).toBeUndefined();
    await record(org.tokens.MANAGER, {
      customerId: customer.id,
      storeId: org.storeId,
      visitedAt: new Date(Date.now() - DAY).toISOString(),
      lines: [
        { serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id },
        { serviceId: menu.haircut.id, therapistId: org.users.OTHER_THERAPIST.id },
      ],
    });
  }
  const countFor = async (first: number) => {
    testApp.statements.reset();
    const result = await execute(
      testApp,
      org.tokens.MANAGER,
      `query ListPage { customers(first: ${first}, filter: { search: "列表客户" }) { totalCount edges { node {
          id code name phone status hasHealthAlerts
          healthProfile { constitution notes allergies { substance severity } medicalHistory { condition } }
          accounts { kind balance { amount } }
          visits(first: 5) { edges { node { visitedAt satisfaction feedback
            lines { service { name } therapist { displayName } } } } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const edges = result.data!.customers.edges;
    expect(edges).toHaveLength(first);
    for (const edge of edges) {
      expect(edge.node.healthProfile.allergies).toEqual([{ substance: '薰衣草精油', severity: null }]);
      expect(edge.node.hasHealthAlerts).toBe(true);
      expect(edge.node.visits.edges[0].node.lines.map((line: any) => line.service.name)).toHaveLength(2);
      expect(edge.node.visits.edges[0].node.lines[0].therapist.displayName).toBeTruthy();
    }
    return testApp.statements.count;
  };
  const small = await countFor(2);
  const large = await countFor(20);
  expect(large).toBe(small);
  // page (with the health flag), count, health profiles with their records, accounts, visits with
  // lines, services and therapists, and the health-read audit INSERT
  expect(large).toBeLessThanOrEqual(6);
});

test('an integration (POS) reads a visit without staff data: therapist and recordedBy are null, the rest intact', async () => {
  const result = await execute(
    testApp,
    integrationKey,
    `{ visit(id: "${assignedVisit}") { id recordedBy { id } lines { durationMinutes therapist { id } service { name } } } }`,
  );
  expect(result.data!.visit).toEqual({
    id: assignedVisit,
    recordedBy: null,
    lines: [{ durationMinutes: 60, therapist: null, service: { name: '肩颈推拿' } }],
  });
  expect(result.errors!.map((error) => [error.path!.at(-1), error.extensions!.code]).sort()).toEqual([
    ['recordedBy', 'FORBIDDEN'],
    ['therapist', 'FORBIDDEN'],
  ]);
});
