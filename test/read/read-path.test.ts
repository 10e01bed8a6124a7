import { createCatalogue, insertAppointment, type CatalogueFixture } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, sellCard } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { keyRing } from '../../src/core/crypto/key-ring';

/**
 * The customer statement brings along what the response selects on each customer (companions:
 * health profile and records, wallets, tags, tier moves, the first page of visits, appointments and
 * communications). These tests hold its statement budget and check that what comes along equals
 * what the fields' own loaders return.
 */
let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
let visitIds: string[];

const DAY = 86_400_000;

const ok = async (token: string, query: string, variables?: Record<string, unknown>) => {
  const result = await execute(testApp, token, query, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
};

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  const id = org.assigned.id;
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { addAllergy(customerId: $id, input: { substance: "芒果", category: FOOD }) { id } }`,
    { id },
  );
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { addSpecialCondition(customerId: $id, input: { kind: POST_SURGERY, description: "术后恢复", startsOn: "2026-01-01" }) { id } }`,
    { id },
  );
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { setCustomerTags(id: $id, tagNames: ["敏感肌", "高端客户"]) { id } }`,
    {
      id,
    },
  );
  const cards = await createCardProducts(testApp, org, menu);
  expect((await sellCard(testApp, org.tokens.FRONT_DESK, id, cards.topUp.id)).errors).toBeUndefined();
  expect((await sellCard(testApp, org.tokens.FRONT_DESK, id, cards.massageCard.id)).errors).toBeUndefined();
  visitIds = [];
  for (let index = 0; index < 6; index++) {
    const visit = await ok(
      org.tokens.MANAGER,
      `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
      {
        input: {
          customerId: id,
          storeId: org.storeId,
          visitedAt: new Date(Date.now() - (index + 1) * DAY).toISOString(),
          satisfaction: 5,
          lines: [
            { serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id },
            { serviceId: menu.haircut.id, therapistId: org.users.OTHER_THERAPIST.id },
          ],
        },
      },
    );
    visitIds.push(visit.recordVisit.id);
  }
  for (const days of [1, 2, 3])
    await insertAppointment(testApp, org, {
      customerId: id,
      therapistId: org.users.THERAPIST.id,
      service: menu.massage,
      startsAt: new Date(Date.now() + days * DAY),
      roomId: menu.roomA.id,
    });
  for (const summary of ['电话回访: 肩颈好转', '微信: 预约下周'])
    await ok(
      org.tokens.MANAGER,
      `mutation($input: RecordCommunicationInput!) { recordCommunication(input: $input) { id } }`,
      { input: { customerId: id, channel: 'PHONE', summary } },
    );
});
afterAll(() => testApp.close());

const CUSTOMER_FIELDS = `fragment Record on Customer {
  id name hasHealthAlerts
  tags { name }
  healthProfile { constitution notes allergies { substance category } specialConditions { kind description } medicalHistory { condition } }
  accounts { kind name balance { amount } units }
  tier { name }
  tierHistory { toTier { name } reason }
  visits(first: $visits) { totalCount edges { cursor node { id visitedAt satisfaction
    lines { position service { name } therapist { displayName } } } } pageInfo { hasNextPage endCursor } }
  appointments(first: 10) { totalCount edges { node { id status startsAt
    items { position service { name } therapist { displayName } room { name } } } } }
  communications(first: 10) { totalCount edges { node { summary channel owner { displayName } } } }
}`;

const PAGE_360 = `query Customer360($id: ID!, $visits: Int) {
  customer(id: $id) { ...Record }
  ledgerEntries(customerId: $id, first: 10) { edges { node { kind principalDelta { amount } unitsDelta } } }
  careTasks(filter: { customerId: $id }, first: 10) { totalCount edges { node { kind owner { displayName } } } }
}
${CUSTOMER_FIELDS}`;

test('the customer-360 page costs the same statements, at most 6, for 2 or 6 visits', async () => {
  const countFor = async (visits: number) => {
    testApp.statements.reset();
    const data = await ok(org.tokens.MANAGER, PAGE_360, { id: org.assigned.id, visits });
    expect(data.customer.visits.edges).toHaveLength(visits);
    expect(data.customer.visits.edges[0].node.lines).toHaveLength(2);
    expect(data.customer.healthProfile.allergies).toContainEqual({ substance: '芒果', category: 'FOOD' });
    expect(data.customer.accounts).toHaveLength(2);
    expect(data.customer.tags.map((tag: { name: string }) => tag.name).sort()).toEqual([
      '敏感肌',
      '高端客户',
    ]);
    expect(data.ledgerEntries.edges.length).toBeGreaterThan(0);
    return testApp.statements.count;
  };
  await countFor(2); // the process's directory cache (staff, tiers) is warm from here on
  const small = await countFor(2);
  const large = await countFor(6);
  expect(large).toBe(small);
  // the customer with everything selected on it, ledger entries, care tasks and their count, the
  // health-read audit INSERT
  expect(large).toBeLessThanOrEqual(6);
});

test('what comes along with the customer equals what the fields load on their own', async () => {
  const variables = { id: org.assigned.id, visits: 4, visit: visitIds[0] };
  // Visit.customer is read by id, so the same fields below it go through their own loaders.
  const data = await ok(
    org.tokens.MANAGER,
    `query Both($id: ID!, $visit: ID!, $visits: Int) {
      customer(id: $id) { ...Record }
      visit(id: $visit) { customer { ...Record } }
    }
    ${CUSTOMER_FIELDS}`,
    variables,
  );
  expect(data.customer.visits.edges).toHaveLength(4);
  expect(data.customer.appointments.totalCount).toBe(3);
  expect(data.customer.communications.totalCount).toBe(2);
  expect(data.visit.customer).toEqual(data.customer);
});

/** The front desk's list page of issue 12, with tags, tier moves and communications. */
const LIST_FIELDS = `
  id name hasHealthAlerts
  tags { name }
  healthProfile { constitution notes allergies { substance category } medicalHistory { condition } }
  accounts { kind balance { amount } }
  tierHistory { toTier { name } }
  visits(first: $visits) { edges { node { visitedAt satisfaction lines { service { name } therapist { displayName } } } } }
  communications(first: 3) { totalCount edges { node { summary } } }`;
const LIST_PAGE = `query List($visits: Int) { customers(first: 50) { totalCount edges { node { ${LIST_FIELDS} } } } }`;

test('the list page is two statements for a manager: the customers with all they select, and the audit', async () => {
  const countFor = async (visits: number) => {
    testApp.statements.reset();
    const data = await ok(org.tokens.MANAGER, LIST_PAGE, { visits });
    const assigned = data.customers.edges.find((edge: any) => edge.node.id === org.assigned.id).node;
    expect(assigned.visits.edges).toHaveLength(visits);
    expect(assigned.healthProfile.allergies).toContainEqual({ substance: '芒果', category: 'FOOD' });
    expect(assigned.accounts).toHaveLength(2);
    return testApp.statements.count;
  };
  await countFor(2);
  // the customers with their health profiles and records, wallets, tags, tier moves and first pages
  // of visits, appointments and communications; the health-read audit INSERT
  expect(await countFor(2)).toBe(2);
  expect(await countFor(6)).toBe(2);
});

test('on the list page what comes along equals what the loaders give, and a therapist gets it from them', async () => {
  const variables = { visits: 4 };
  const manager = await ok(org.tokens.MANAGER, LIST_PAGE, variables);
  const assigned = manager.customers.edges.find((edge: any) => edge.node.id === org.assigned.id).node;
  const alone = await ok(
    org.tokens.MANAGER,
    `query($visit: ID!, $visits: Int) { visit(id: $visit) { customer { ${LIST_FIELDS} } } }`,
    { ...variables, visit: visitIds[0] },
  );
  expect(assigned).toEqual(alone.visit.customer);
  // The therapist reads the health profile of the customers they serve only: it is not fetched along
  // with the page (for every customer) but by the loader, for the rows the rule lets through.
  const sent: string[] = [];
  const record = (query: { sql: string }) => void sent.push(query.sql);
  const knex = testApp.orm.em.getConnection().getKnex();
  knex.on('query', record);
  const therapist = await execute(testApp, org.tokens.THERAPIST, LIST_PAGE, variables).finally(() =>
    knex.off('query', record),
  );
  const pageStatement = sent.find((sql) => sql.includes('from customer c'));
  expect(pageStatement).toBeDefined();
  expect(pageStatement).not.toContain('health_profile');
  expect(sent.some((sql) => /from health_profile t\s+where t\.customer_id = any\(/.test(sql))).toBe(true);
  const served = therapist.data!.customers.edges.find((edge: any) => edge.node.id === org.assigned.id).node;
  expect(served.healthProfile.allergies).toContainEqual({ substance: '芒果', category: 'FOOD' });
  const others = therapist.data!.customers.edges.filter((edge: any) => edge.node.id !== org.assigned.id);
  expect(others.length).toBeGreaterThan(0);
  for (const edge of others) expect(edge.node.healthProfile).toBeNull();
});

test('the list page does not open the health values of a customer who withdrew consent, but for the owner', async () => {
  const other = await createOrganization(testApp);
  const id = other.assigned.id;
  await ok(
    other.tokens.MANAGER,
    `mutation($id: ID!) { addAllergy(customerId: $id, input: { substance: "撤回后的过敏原", category: FOOD }) { id } }`,
    { id },
  );
  await ok(
    other.tokens.MANAGER,
    `mutation($id: ID!) { withdrawHealthConsent(input: { customerId: $id, source: "客户电话要求" }) { id } }`,
    { id },
  );
  const opened = jest.spyOn(keyRing, 'openSealed');
  const openedFor = async (token: string) => {
    opened.mockClear();
    const result = await execute(testApp, token, LIST_PAGE, { visits: 2 });
    const row = result.data!.customers.edges.find((edge: any) => edge.node.id === id).node;
    return { row, plaintexts: opened.mock.results.map((result) => result.value as string) };
  };
  try {
    const manager = await openedFor(other.tokens.MANAGER);
    expect(manager.row.healthProfile).toBeNull();
    expect(manager.plaintexts).not.toContain('撤回后的过敏原');
    const owner = await openedFor(other.tokens.OWNER);
    expect(owner.row.healthProfile.allergies).toContainEqual({
      substance: '撤回后的过敏原',
      category: 'FOOD',
    });
    expect(owner.plaintexts).toContain('撤回后的过敏原');
  } finally {
    opened.mockRestore();
  }
});

test('a connection selected twice with other arguments is loaded per alias, each with its own page', async () => {
  const data = await ok(
    org.tokens.MANAGER,
    `query($id: ID!) { customer(id: $id) {
      recent: visits(first: 2) { edges { node { id } } }
      more: visits(first: 5) { edges { node { id } } }
      visits(first: 2) { edges { node { id } } }
    } }`,
    { id: org.assigned.id },
  );
  expect(data.customer.recent.edges.map((edge: any) => edge.node.id)).toEqual(visitIds.slice(0, 2));
  expect(data.customer.more.edges.map((edge: any) => edge.node.id)).toEqual(visitIds.slice(0, 5));
  expect(data.customer.visits).toEqual(data.customer.recent);
});

test('the next page through a cursor comes along with the customer too', async () => {
  const first = await ok(org.tokens.MANAGER, PAGE_360, { id: org.assigned.id, visits: 2 });
  const after = first.customer.visits.pageInfo.endCursor;
  testApp.statements.reset();
  const next = await ok(
    org.tokens.MANAGER,
    `query($id: ID!, $after: String) { customer(id: $id) { visits(first: 2, after: $after) { edges { node { id } } } } }`,
    { id: org.assigned.id, after },
  );
  expect(next.customer.visits.edges.map((edge: any) => edge.node.id)).toEqual(visitIds.slice(2, 4));
  expect(testApp.statements.count).toBe(1);
});

test('a therapist sees only the visits they served, also when the visits come along with the customer', async () => {
  const otherOnly = await ok(
    org.tokens.MANAGER,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId: org.assigned.id,
        storeId: org.storeId,
        visitedAt: new Date(Date.now() - 30 * DAY).toISOString(),
        lines: [{ serviceId: menu.haircut.id, therapistId: org.users.OTHER_THERAPIST.id }],
      },
    },
  );
  const query = `query($id: ID!) { customer(id: $id) { visits(first: 50) { totalCount edges { node { id } } } } }`;
  const manager = await ok(org.tokens.MANAGER, query, { id: org.assigned.id });
  const therapist = await ok(org.tokens.THERAPIST, query, { id: org.assigned.id });
  const managerIds = manager.customer.visits.edges.map((edge: any) => edge.node.id);
  const therapistIds = therapist.customer.visits.edges.map((edge: any) => edge.node.id);
  expect(managerIds).toContain(otherOnly.recordVisit.id);
  expect(therapistIds).not.toContain(otherOnly.recordVisit.id);
  expect(therapistIds).toEqual(visitIds);
  expect(therapist.customer.visits.totalCount).toBe(visitIds.length);
});

/** Polls until `expected` (changes arrive by NOTIFY at commit), well inside the cache's 5 s. */
async function eventually(read: () => Promise<unknown>, expected: unknown): Promise<void> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (JSON.stringify(value) === JSON.stringify(expected) || Date.now() - started > 2_000) {
      expect(value).toEqual(expected);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a tier created or renamed by plain SQL is seen by the next requests, not after the cache lifetime', async () => {
  const tierName = async () =>
    (
      await ok(org.tokens.MANAGER, `query($id: ID!) { customer(id: $id) { tier { name } } }`, {
        id: org.assigned.id,
      })
    ).customer.tier?.name ?? null;
  expect(await tierName()).toBeNull();
  expect(await tierName()).toBeNull(); // the organization's tiers are cached now
  const [tier] = await testApp.orm.em.getConnection().execute(
    `insert into membership_tier (id, organization_id, created_at, updated_at, name, rank)
     values (gen_random_uuid(), ?, now(), now(), '银卡', 1) returning id`,
    [org.organizationId],
  );
  await testApp.orm.em
    .getConnection()
    .execute(`update customer set tier_id = ? where id = ?`, [tier.id, org.assigned.id]);
  await eventually(tierName, '银卡');
  await testApp.asOwner(`update membership_tier set name = '金卡' where id = $1`, [tier.id]);
  await eventually(tierName, '金卡');
});

test('a staff member renamed by plain SQL is named anew on the rows that name them', async () => {
  const therapistName = async () =>
    (
      await ok(
        org.tokens.MANAGER,
        `query($id: ID!) { visit(id: $id) { lines { therapist { displayName } } } }`,
        { id: visitIds[0] },
      )
    ).visit.lines[0].therapist.displayName;
  const before = await therapistName();
  await testApp.asOwner(`update app_user set display_name = '王技师' where id = $1`, [
    org.users.THERAPIST.id,
  ]);
  await eventually(therapistName, '王技师');
  await testApp.asOwner(`update app_user set display_name = $2 where id = $1`, [
    org.users.THERAPIST.id,
    before,
  ]);
  await eventually(therapistName, before);
});

test('a bad page argument below customer(id) is an error at that connection only, the customer intact', async () => {
  const result = await execute(
    testApp,
    org.tokens.MANAGER,
    `query($id: ID!) { customer(id: $id) { name visits(first: 500) { edges { node { id } } } } }`,
    { id: org.assigned.id },
  );
  expect(result.data!.customer.name).toBeTruthy();
  expect(result.data!.customer.visits).toBeNull();
  expect(result.errors![0]).toMatchObject({
    path: ['customer', 'visits'],
    extensions: { code: 'BAD_USER_INPUT' },
  });
});

test('a forged cursor with a date PostgreSQL cannot read is BAD_USER_INPUT on every time-ordered list', async () => {
  const forged = Buffer.from(JSON.stringify(['not a date', org.assigned.id])).toString('base64url');
  for (const query of [
    `{ customers(after: "${forged}") { edges { node { id } } } }`,
    `{ complaints(after: "${forged}") { edges { node { id } } } }`,
    `{ careTasks(after: "${forged}") { edges { node { id } } } }`,
    `{ ledgerEntries(customerId: "${org.assigned.id}", after: "${forged}") { edges { node { id } } } }`,
    `{ customer(id: "${org.assigned.id}") { visits(after: "${forged}") { edges { node { id } } } } }`,
  ]) {
    const result = await execute(testApp, org.tokens.MANAGER, query);
    expect({ query, code: result.errors?.[0]?.extensions?.code }).toEqual({ query, code: 'BAD_USER_INPUT' });
  }
});
