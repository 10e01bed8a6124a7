import { createCatalogue, insertAppointment, type CatalogueFixture } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, sellCard } from '../support/ledger-fixtures';
import { createTestApp, execute, listen, type GraphQLResult, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';
import { COMPILED_READ_TAG } from '../../src/server/compiled-read/compile-entry';
import { isRawData } from '../../src/server/raw-json';

/**
 * Compiled reads (server/compiled-read): a query the compiler covers is answered by one statement
 * that builds its json in PostgreSQL. A second app on the same database runs with the compiler off
 * (graphql-js over the shielded schema: the reference). For every role, query shape and page both
 * answer the same data, the same errors at the same paths and write the same audit rows; and the
 * compiled statement is what answered where the compiler covers the query.
 */
let compiled: TestApp;
let reference: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
let tokens: Record<string, string>;
const compiledStatements: string[] = [];

const DAY = 86_400_000;

const ok = async (token: string, query: string, variables?: Record<string, unknown>) => {
  const result = await execute(compiled, token, query, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
};

async function recordVisit(customerId: string, daysAgo: number, lines: number) {
  await ok(org.tokens.MANAGER, `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`, {
    input: {
      customerId,
      storeId: org.storeId,
      visitedAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
      satisfaction: 4,
      feedback: '肩颈轻松多了',
      lines: Array.from({ length: lines }, (_, index) => ({
        serviceId: index % 2 ? menu.haircut.id : menu.massage.id,
        therapistId: index % 2 ? org.users.OTHER_THERAPIST.id : org.users.THERAPIST.id,
      })),
    },
  });
}

beforeAll(async () => {
  // Every request runs its compiled statement, also after a fallback (no backoff): each comparison sees it.
  compiled = await createTestApp(undefined, { config: { compiledReadRetry: 'every-time' } });
  reference = await createTestApp(undefined, {
    databaseUrl: compiled.url,
    config: { compiledReads: false },
  });
  compiled.orm.em
    .getConnection()
    .getKnex()
    .on('query', (query: { sql: string }) => {
      if (query.sql.startsWith(COMPILED_READ_TAG)) compiledStatements.push(query.sql);
    });
  org = await createOrganization(compiled);
  // Another organization's customers never show.
  await createOrganization(compiled, '隔壁足道');
  menu = await createCatalogue(compiled, org);
  const id = org.assigned.id;
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { updateHealthProfile(customerId: $id, input: { constitution: QI_DEFICIENCY, notes: "腰椎间盘突出，避免重压" }) { id } }`,
    { id },
  );
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { addMedicalCondition(customerId: $id, input: { condition: "高血压", since: "2019-05-01" }) { id } }`,
    { id },
  );
  const cards = await createCardProducts(compiled, org, menu);
  expect((await sellCard(compiled, org.tokens.FRONT_DESK, id, cards.topUp.id)).errors).toBeUndefined();
  expect((await sellCard(compiled, org.tokens.FRONT_DESK, id, cards.massageCard.id)).errors).toBeUndefined();
  for (const daysAgo of [1, 3, 8]) await recordVisit(id, daysAgo, 2);
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { updateHealthProfile(customerId: $id, input: { secondaryConstitutions: [YIN_DEFICIENCY],
      lifestyle: { sleepHours: 6.5, smoking: NEVER, note: "常熬夜" }, skinProfile: { type: DRY, concerns: ["色斑"] },
      currentComplaints: ["肩颈酸痛", "失眠"], wellnessGoals: ["改善睡眠"] }) { id } }`,
    { id },
  );
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { setCustomerTags(id: $id, tagNames: ["敏感肌", "高端客户"]) { id } }`,
    {
      id,
    },
  );
  for (const days of [1, 2])
    await insertAppointment(compiled, org, {
      customerId: id,
      therapistId: org.users.THERAPIST.id,
      service: menu.massage,
      startsAt: new Date(Date.now() + days * DAY),
      roomId: menu.roomA.id,
    });
  await ok(
    org.tokens.MANAGER,
    `mutation($input: RecordCommunicationInput!) { recordCommunication(input: $input) { id } }`,
    { input: { customerId: id, channel: 'PHONE', summary: '电话回访: 肩颈好转' } },
  );
  await recordVisit(org.unassigned.id, 2, 1);
  // 回访 tasks for the visits: the 360 page's open care tasks.
  await ok(org.tokens.MANAGER, `mutation { runCareSchedule { total } }`);
  // The newest customer: no health profile, no wallet, no visit.
  await createCustomer(compiled, org, '王芳');
  // The oldest customer withdrew health consent: on a page of 20, not on a page of 3.
  const withdrawn = await createCustomer(compiled, org, '撤回同意', {
    createdAt: new Date(Date.now() - 30 * DAY),
  });
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { addAllergy(customerId: $id, input: { substance: "花粉", category: OTHER }) { id } }`,
    { id: withdrawn.id },
  );
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { withdrawHealthConsent(input: { customerId: $id, source: "客户要求" }) { id } }`,
    { id: withdrawn.id },
  );
  const key = await ok(org.tokens.OWNER, `mutation { createApiKey(input: { name: "收银系统" }) { secret } }`);
  tokens = { ...org.tokens, INTEGRATION: key.createApiKey.secret };
});
afterAll(async () => {
  await reference.close();
  await compiled.close();
});

/** The list page of the benchmark (bench/pages-queries.ts). */
const LIST_PAGE = `query ListPage($first: Int, $after: String) { customers(first: $first, after: $after) { totalCount edges { node {
    id code name phone status hasHealthAlerts
    healthProfile { constitution notes allergies { substance severity } medicalHistory { condition } }
    accounts { kind balance { amount } }
    visits(first: 5) { edges { node { visitedAt satisfaction feedback
      lines { service { name } therapist { displayName } } } } } } } } }`;

/** Aliases, fragments (named and inline), __typename, cursors, page info and every kind of leaf. */
const SHAPES = `query Shapes($first: Int, $visits: Int) {
  __typename
  page: customers(first: $first) { __typename totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ...Row basic: name ... on Customer { code gender birthday createdAt lastVisitAt visitCount statusOverride } } } }
  again: customers(first: 1) { edges { node { id name } } }
}
fragment Row on Customer {
  __typename id namePinyin email source occupation archivedAt version
  alerts: hasHealthAlerts
  healthProfile { id version updatedAt notes allergies { id substance category severity reaction recordedAt }
    specialConditions { kind description startsOn endsOn } medicalHistory { condition since status } }
  accounts { id kind status units balance { amount minorUnits currency } principal { amount } bonus { amount } }
  visits(first: $visits) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id visitedAt effect conditionNotes
    satisfaction feedback lines { position durationMinutes listPrice { amount } service { name durationMinutes }
    therapist { id displayName } } } } }
}`;

/** The customer-360 page of the benchmark (bench/pages-queries.ts): its customer compiled, the rest not. */
const CUSTOMER_360 = `query Customer360($id: ID!) {
  customer(id: $id) {
    id code name namePinyin gender birthday phone email occupation source
    status statusOverride visitCount lastVisitAt createdAt hasHealthAlerts
    lifetimeSpend { amount minorUnits currency }
    averageTicket { amount }
    preferences { serviceTypes productBrands scents noScent pressure dietaryRestrictions }
    tags { name color }
    healthProfile {
      constitution secondaryConstitutions
      lifestyle { sleepHours sleepQuality diet exercise smoking drinking note }
      skinProfile { type oiliness sensitivity concerns }
      currentComplaints wellnessGoals notes
      allergies { substance category severity reaction clinicalStatus recordedAt }
      specialConditions { kind description startsOn endsOn }
      medicalHistory { condition since status }
    }
    accounts { id kind name status balance { amount } principal { amount } bonus { amount } units }
    tier { name rank discountBasisPoints benefits }
    tierHistory { fromTier { name } toTier { name } reason createdAt }
    visits(first: 20) { totalCount edges { node { id visitedAt effect satisfaction feedback
      lines { position service { name } therapist { displayName } durationMinutes listPrice { amount } } } } }
    appointments(first: 10) { edges { node { id status startsAt endsAt
      items { position service { name } therapist { displayName } startsAt room { name } } } } }
    communications(first: 10) { totalCount edges { node {
      occurredAt channel summary followUpItems status owner { displayName } } } }
  }
  ledgerEntries(customerId: $id, first: 10) { edges { node {
    kind principalDelta { amount } bonusDelta { amount } unitsDelta principalAfter { amount } unitsAfter
    note createdAt } } }
  careTasks(filter: { customerId: $id }, first: 10) { totalCount edges { node {
    kind reason dueAt suggestedChannel owner { displayName } } } }
}`;

/** The ledger root of the 360 page with every field, its pages and owners. */
const LEDGER = `query Ledger($customer: ID, $account: ID, $first: Int, $after: String) {
  ledgerEntries(customerId: $customer, accountId: $account, first: $first, after: $after) { __typename totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { __typename cursor node { __typename id kind principalDelta { amount minorUnits currency } bonusDelta { amount }
      unitsDelta principalAfter { amount } bonusAfter { amount } unitsAfter reversesId operationId storeId visitId
      serviceId paid: amountPaid { amount } paymentMethod paymentReference expiresAt note createdAt
      account { id kind name status balance { amount } } } } } }`;

/** The care root of the 360 page with every field, its customer's health included (audited). */
const CARE = `query Care($filter: CareTaskFilter, $first: Int, $after: String) {
  careTasks(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id kind purpose reason suggestedChannel availableFrom dueAt status visitId complaintId
      accountId completedAt outcome version store { id name } owner { id displayName }
      customer { id name hasHealthAlerts healthProfile { notes allergies { substance } } } } } } }`;

const ROLES = [
  'OWNER',
  'MANAGER',
  'CONSULTANT',
  'THERAPIST',
  'FRONT_DESK',
  'MARKETING',
  'AUDITOR',
  'INTEGRATION',
];

/** A POST /graphql to a listening app as `role`; the response as sent. */
function postGraphQL(url: string, role: string, query: string, variables: Record<string, unknown>) {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[role]}` },
    body: JSON.stringify({ query, variables }),
  });
}

interface LedgerPage {
  pageInfo: { endCursor: string | null };
  edges: { node: { account: { id: string } } }[];
}

/** Audit rows the request writes: everything after a mark of the database clock. */
async function auditedBy(run: () => Promise<GraphQLResult>) {
  const connection = compiled.orm.em.fork().getConnection();
  const [{ mark }] = await connection.execute<{ mark: Date }[]>('select clock_timestamp() as mark');
  const result = await run();
  const rows = await connection.execute<{ customer_id: string; fields: string[]; role: string }[]>(
    `select customer_id, fields, role, grant_id, reason from audit_event
      where occurred_at >= ? and action = 'READ' order by customer_id`,
    [mark],
  );
  return { result, rows };
}

/** Both apps answer alike; returns the compiled app's answer and whether a compiled statement ran. */
async function same(role: string, query: string, variables: Record<string, unknown>) {
  compiledStatements.length = 0;
  const fast = await auditedBy(() => execute(compiled, tokens[role], query, variables));
  const ran = compiledStatements.length > 0;
  const slow = await auditedBy(() => execute(reference, tokens[role], query, variables));
  expect(fast.result).toEqual(slow.result);
  expect(fast.rows).toEqual(slow.rows);
  // answered: the compiled statement's json text is the answer (not sent back to graphql-js).
  return { result: fast.result, audited: fast.rows, compiled: ran, answered: isRawData(fast.result.data) };
}

describe.each(ROLES)('as %s', (role) => {
  test.each([
    ['the list page of 20', LIST_PAGE, { first: 20 }],
    ['the list page of 2', LIST_PAGE, { first: 2 }],
    ['every shape, 5 customers, 2 visits each', SHAPES, { first: 5, visits: 2 }],
    ['every shape, the first customer, no visits', SHAPES, { first: 1, visits: 0 }],
  ])('%s: the same answer and audit as graphql-js', async (_label, query, variables) => {
    await same(role, query, variables);
  });

  test('the customer-360 page of each customer, and of an unknown or malformed id, alike', async () => {
    for (const id of [org.assigned.id, org.unassigned.id]) await same(role, CUSTOMER_360, { id });
    // Not found or not an id: NOT_FOUND / BAD_USER_INPUT from graphql-js (with customer alone: with
    // ledgerEntries too, which of the two non-null roots graphql-js reports first varies by run).
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id'])
      await same(role, `query($id: ID!) { customer(id: $id) { id name healthProfile { notes } } }`, { id });
  });

  test('ledger entries and care tasks: pages, owners, filters and refusals alike', async () => {
    const customer = org.assigned.id;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const ledger = await same(role, LEDGER, { customer, first: 3 });
    const ledgerPage = (ledger.result.data as { ledgerEntries?: LedgerPage } | null)?.ledgerEntries;
    if (ledgerPage) {
      await same(role, LEDGER, { customer, first: 3, after: ledgerPage.pageInfo.endCursor });
      await same(role, LEDGER, { account: ledgerPage.edges[0].node.account.id, first: 2 });
    }
    for (const variables of [
      { customer: org.unassigned.id },
      { customer: unknown },
      { account: unknown },
      { customer: 'not-an-id' },
      { customer, account: unknown },
      {},
      { customer, after: 'bm90LWEtY3Vyc29y' },
      { customer, first: 0 },
    ])
      await same(role, LEDGER, variables);
    const care = await same(role, CARE, { first: 2 });
    const carePage = (care.result.data as { careTasks?: { pageInfo: { endCursor: string | null } } } | null)
      ?.careTasks;
    if (carePage?.pageInfo.endCursor)
      await same(role, CARE, { first: 2, after: carePage.pageInfo.endCursor });
    for (const filter of [
      { customerId: customer },
      {
        customerId: customer,
        kinds: ['VISIT_FOLLOW_UP', 'BIRTHDAY'],
        dueBefore: new Date(Date.now() + 30 * DAY).toISOString(),
      },
      { status: 'DONE' },
      { ownerId: org.users.MANAGER.id, storeId: org.storeId, dueAfter: new Date(0).toISOString() },
      { customerId: 'not-an-id' },
    ])
      await same(role, CARE, { filter });
  });

  test('filtered lists (search of each kind, tags, assignment, archive, external id) alike', async () => {
    const query = `query Filtered($filter: CustomerFilter, $orderBy: CustomerOrder, $first: Int) {
      customers(filter: $filter, orderBy: $orderBy, first: $first) { totalCount
        pageInfo { hasNextPage endCursor } edges { cursor node { id code name phone status
          healthProfile { notes allergies { substance } } } } } }`;
    const tags = await execute(reference, tokens.OWNER, `{ tags { id name } }`);
    const tagIds = ((tags.data?.tags ?? []) as { id: string }[]).map((tag) => tag.id);
    for (const filter of [
      { search: 'zhang' },
      { search: 'zs' },
      { search: '8001' },
      { search: '13800138001' },
      { search: 'C000001' },
      { search: '张' },
      { search: '撤回同意' },
      { search: '%_\\' },
      { tagIds },
      { tagIds: [tagIds[0] ?? '00000000-0000-4000-8000-000000000000'] },
      { assignedConsultantId: org.users.CONSULTANT.id },
      { assignedTherapistId: org.users.THERAPIST.id, includeArchived: true },
      { archivedOnly: true },
      { externalId: 'POS-1' },
      { search: '', includeArchived: false },
      // Refused or beyond the compiler: graphql-js answers.
      { search: 'x'.repeat(51) },
      { tagIds: ['not-an-id'] },
      { status: ['ACTIVE'] },
      { status: ['DORMANT', 'LOST'] },
    ])
      await same(role, query, { filter, first: 5 });
    await same(role, query, {
      filter: { search: 'zhang' },
      orderBy: { field: 'CREATED_AT', direction: 'DESC' },
    });
    await same(role, query, { orderBy: { field: 'NAME', direction: 'ASC' } });
  });

  test('the next page after a cursor, and a forged cursor, alike', async () => {
    const first = await same(
      role,
      LIST_PAGE.replace('totalCount edges', 'totalCount pageInfo { endCursor } edges'),
      {
        first: 2,
      },
    );
    const after = (first.result.data as { customers?: { pageInfo: { endCursor: string } } } | null)?.customers
      ?.pageInfo.endCursor;
    if (after) await same(role, LIST_PAGE, { first: 2, after });
    const forged = await same(role, LIST_PAGE, { first: 2, after: 'bm90LWEtY3Vyc29y' });
    expect(forged.result.errors?.length).toBeGreaterThan(0);
    const tooMany = await same(role, LIST_PAGE, { first: 101 });
    expect(tooMany.result.errors?.length).toBeGreaterThan(0);
  });
});

test('MANAGER and OWNER pages are compiled and audited; withdrawn consent goes to graphql-js for MANAGER only', async () => {
  // The three newest: 王芳 and the fixture's two customers, not the one who withdrew consent.
  const managerPair = await same('MANAGER', LIST_PAGE, { first: 3 });
  expect(managerPair.answered).toBe(true);
  expect(managerPair.audited.map((row) => row.customer_id)).toContain(org.assigned.id);
  expect(managerPair.audited.find((row) => row.customer_id === org.assigned.id)?.fields).toEqual([
    'allergies',
    'constitution',
    'medicalHistory',
    'notes',
  ]);
  const health = managerPair.result.data as {
    customers: { edges: { node: { id: string; healthProfile: { notes: string | null } | null } }[] };
  };
  expect(
    health.customers.edges.find((edge) => edge.node.id === org.assigned.id)?.node.healthProfile?.notes,
  ).toBe('腰椎间盘突出，避免重压');
  // The page of 20 holds the customer who withdrew consent: compiled, then answered by graphql-js
  // (FORBIDDEN at that customer's health profile), and the same for both apps.
  const managerAll = await same('MANAGER', LIST_PAGE, { first: 20 });
  expect(managerAll.compiled).toBe(true);
  expect(managerAll.answered).toBe(false);
  expect(managerAll.result.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');
  const ownerAll = await same('OWNER', LIST_PAGE, { first: 20 });
  expect(ownerAll.answered).toBe(true);
  expect(ownerAll.result.errors).toBeUndefined();
});

test('the customer-360 page is one compiled statement for MANAGER, its ledger and care tasks included', async () => {
  const page = await same('MANAGER', CUSTOMER_360, { id: org.assigned.id });
  expect(page.answered).toBe(true);
  const data = page.result.data as {
    customer: { healthProfile: { lifestyle: { note: string } } };
    ledgerEntries: { edges: unknown[] };
    careTasks: { totalCount: number };
  };
  expect(data.customer.healthProfile.lifestyle.note).toBe('常熬夜');
  expect(Object.keys(data)).toEqual(['customer', 'ledgerEntries', 'careTasks']);
  expect(data.ledgerEntries.edges.length).toBeGreaterThan(0);
  expect(data.careTasks.totalCount).toBeGreaterThan(0);
  // Nothing answered by graphql-js: no loader, count or existence statement besides the compiled one.
  compiled.statements.reset();
  compiledStatements.length = 0;
  expect(
    (await execute(compiled, tokens.MANAGER, CUSTOMER_360, { id: org.assigned.id })).errors,
  ).toBeUndefined();
  // The compiled statement and the INSERT of its health reads into the audit log.
  expect(compiled.statements.count).toBe(2);
  expect(compiledStatements).toHaveLength(1);
});

test('ledger entries and care tasks are compiled; a care task’s customer is audited as graphql-js audits it', async () => {
  const page = await same('MANAGER', CARE, { filter: { customerId: org.assigned.id } });
  expect(page.answered).toBe(true);
  expect(page.audited.map((row) => row.customer_id)).toEqual([org.assigned.id]);
  expect(page.audited[0].fields).toEqual(['allergies', 'notes']);
  const ledger = await same('MANAGER', LEDGER, { customer: org.assigned.id, first: 3 });
  expect(ledger.answered).toBe(true);
  expect(ledger.result.errors).toBeUndefined();
});

test('every order of customers is compiled, its cursors and next pages alike', async () => {
  const query = `query Ordered($orderBy: CustomerOrder, $first: Int, $after: String) {
    customers(orderBy: $orderBy, first: $first, after: $after) {
      pageInfo { hasNextPage startCursor endCursor } edges { cursor node { id code name namePinyin } } } }`;
  for (const field of ['CREATED_AT', 'NAME', 'CODE'])
    for (const direction of ['ASC', 'DESC']) {
      const orderBy = { field, direction };
      let after: string | null = null;
      // Every page of 2 to the end: each cursor the compiled statement wrote leads to the next page.
      for (let pages = 0; pages < 20; pages++) {
        const page = await same('FRONT_DESK', query, { orderBy, first: 2, after });
        expect(page.answered).toBe(true);
        const connection = (
          page.result.data as { customers: { pageInfo: { hasNextPage: boolean; endCursor: string } } }
        ).customers;
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(after).not.toBeNull();
    }
  // A cursor whose sort value is not text is graphql-js's to answer, alike.
  const forged = Buffer.from(JSON.stringify([12, org.assigned.id])).toString('base64url');
  const odd = await same('FRONT_DESK', query, {
    orderBy: { field: 'NAME', direction: 'ASC' },
    after: forged,
  });
  expect(odd.answered).toBe(false);
});

test('status filters are compiled: the organization’s thresholds at the statement’s now, overrides first', async () => {
  // Last seen just inside and just past each threshold (90 and 180 days by default), never seen and
  // created long ago, and an override that contradicts the visits.
  const ago = (days: number) => new Date(Date.now() - days * DAY);
  const made = [
    await createCustomer(compiled, org, '八十九天', { lastVisitAt: ago(89), createdAt: ago(700) }),
    await createCustomer(compiled, org, '九十一天', { lastVisitAt: ago(91), createdAt: ago(700) }),
    await createCustomer(compiled, org, '一百八十一天', { lastVisitAt: ago(181), createdAt: ago(700) }),
    await createCustomer(compiled, org, '从未到店', { createdAt: ago(400) }),
    await createCustomer(compiled, org, '手动活跃', { lastVisitAt: ago(300), createdAt: ago(700) }),
  ];
  await compiled.asOwner(`update customer set status_override = 'ACTIVE' where id = $1`, [made[4].id]);
  const query = `query Status($filter: CustomerFilter, $first: Int) { customers(filter: $filter, first: $first) {
    totalCount edges { node { id name status lastVisitAt } } } }`;
  const names = (result: GraphQLResult) =>
    (result.data as { customers: { edges: { node: { name: string } }[] } }).customers.edges.map(
      (edge) => edge.node.name,
    );
  for (const [status, expected] of [
    [['ACTIVE'], ['八十九天', '手动活跃']],
    [['DORMANT'], ['九十一天']],
    [['LOST'], ['一百八十一天', '从未到店']],
    [
      ['DORMANT', 'LOST', 'DORMANT'],
      ['九十一天', '一百八十一天', '从未到店'],
    ],
  ] as const) {
    const page = await same('MANAGER', query, { filter: { status }, first: 100 });
    expect(page.answered).toBe(true);
    const listed = names(page.result).filter((name) => made.some((customer) => customer.name === name));
    expect(listed.sort()).toEqual([...expected].sort());
  }
  const withSearch = await same('FRONT_DESK', query, { filter: { status: ['LOST'], search: '从未' } });
  expect(withSearch.answered).toBe(true);
  expect(names(withSearch.result)).toEqual(['从未到店']);
});

/** The 360 page's customer alone (a consultant reads no care tasks). */
const CUSTOMER_ONLY = `${CUSTOMER_360.slice(0, CUSTOMER_360.indexOf('  ledgerEntries'))}}`;

/**
 * A customer with a health profile and one allergy, entered by the manager; created long ago, so the
 * first pages of the other tests do not show them (a therapist's grant on them would change those
 * pages' errors, which graphql-js reports in the order its rules settle).
 */
async function customerWithAllergy(name: string, substance: string, category: string) {
  const customer = await createCustomer(compiled, org, name, { createdAt: new Date(Date.now() - 90 * DAY) });
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!, $substance: String!, $category: AllergyCategory!) {
      updateHealthProfile(customerId: $id, input: { notes: "易紧张" }) { id }
      addAllergy(customerId: $id, input: { substance: $substance, category: $category }) { id } }`,
    { id: customer.id, substance, category },
  );
  return customer;
}

/** What a therapist's tablet opens: the customer with the SAFETY section only. */
const SAFETY_PAGE = `query($id: ID!) { customer(id: $id) { id name hasHealthAlerts
  healthProfile { id allergies { substance severity } specialConditions { kind description } } } }`;

test('CONSULTANT pages are compiled for assigned customers; any other customer on them goes to graphql-js', async () => {
  const assigned = await same('CONSULTANT', CUSTOMER_ONLY, { id: org.assigned.id });
  expect(assigned.answered).toBe(true);
  expect(assigned.audited.map((row) => row.customer_id)).toEqual([org.assigned.id]);
  expect(
    (assigned.result.data as { customer: { healthProfile: { notes: string } } }).customer.healthProfile.notes,
  ).toBe('腰椎间盘突出，避免重压');
  // Not theirs: the statement ran, graphql-js answered with FORBIDDEN at the health paths.
  for (const [role, id] of [
    ['CONSULTANT', org.unassigned.id],
    ['OTHER_CONSULTANT', org.assigned.id],
  ]) {
    const other = await same(role, CUSTOMER_ONLY, { id });
    expect(other.compiled).toBe(true);
    expect(other.answered).toBe(false);
    expect(other.result.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');
    expect(other.audited).toEqual([]);
  }
  const page = await same('CONSULTANT', LIST_PAGE, { first: 3 });
  expect(page.compiled).toBe(true);
  expect(page.answered).toBe(false);
  // With the care tasks a consultant may not read (a non-null root): no data, so no health read audited.
  const refusedRoot = await same('CONSULTANT', CUSTOMER_360, { id: org.assigned.id });
  expect(refusedRoot.compiled).toBe(true);
  expect(refusedRoot.result.data).toBeNull();
  expect(refusedRoot.audited).toEqual([]);
});

test('THERAPIST safety pages are compiled for customers they serve: assigned, or an appointment or visit with them today', async () => {
  const today = await customerWithAllergy('今日到店', '薰衣草精油', 'ESSENTIAL_OIL');
  const read = async (role: string, id: string) => same(role, SAFETY_PAGE, { id });
  // 专属技师 of the fixture's customer; nobody's therapist today for the new one.
  expect((await read('THERAPIST', org.assigned.id)).answered).toBe(true);
  for (const [role, id] of [
    ['OTHER_THERAPIST', org.assigned.id],
    ['THERAPIST', today.id],
  ]) {
    const refused = await read(role, id);
    expect(refused.compiled).toBe(true);
    expect(refused.answered).toBe(false);
    expect(refused.result.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');
  }
  // A cancelled appointment today serves no one; a booked one does, for its therapist only.
  await insertAppointment(compiled, org, {
    customerId: today.id,
    therapistId: org.users.THERAPIST.id,
    service: menu.massage,
    startsAt: new Date(),
    status: 'CANCELLED' as never,
  });
  expect((await read('THERAPIST', today.id)).answered).toBe(false);
  await insertAppointment(compiled, org, {
    customerId: today.id,
    therapistId: org.users.OTHER_THERAPIST.id,
    service: menu.massage,
    startsAt: new Date(),
  });
  const served = await read('OTHER_THERAPIST', today.id);
  expect(served.answered).toBe(true);
  expect(served.audited).toEqual([
    expect.objectContaining({ customer_id: today.id, fields: ['allergies', 'specialConditions'] }),
  ]);
  expect(
    (served.result.data as { customer: { healthProfile: { allergies: { substance: string }[] } } }).customer
      .healthProfile.allergies,
  ).toEqual([{ substance: '薰衣草精油', severity: null }]);
  expect((await read('THERAPIST', today.id)).answered).toBe(false);
  // A visit line they gave today serves them too.
  await recordVisit(today.id, 0, 1);
  expect((await read('THERAPIST', today.id)).answered).toBe(true);
});

test('a THERAPIST reading on break-glass goes to graphql-js, which audits the read with the grant', async () => {
  const emergency = await customerWithAllergy('紧急查阅', '青霉素', 'DRUG');
  await ok(
    org.tokens.THERAPIST,
    `mutation($id: ID!) { breakGlassHealthAccess(input: { customerId: $id, reason: "客户晕厥，需确认过敏史" }) { id } }`,
    { id: emergency.id },
  );
  const page = await same('THERAPIST', SAFETY_PAGE, { id: emergency.id });
  expect(page.compiled).toBe(true);
  expect(page.answered).toBe(false);
  expect(page.result.errors).toBeUndefined();
  expect(page.audited).toEqual([
    expect.objectContaining({ customer_id: emergency.id, grant_id: expect.any(String) }),
  ]);
});

test('fields the compiler does not know, and health fields a role reads only on a grant, go to graphql-js', async () => {
  // CLINICAL fields (notes, medical history): a therapist reads them only on an approval.
  expect((await same('THERAPIST', LIST_PAGE, { first: 2 })).compiled).toBe(false);
  const frontDesk = await same(
    'FRONT_DESK',
    `{ customers(first: 5) { totalCount edges { node { id code name phone status hasHealthAlerts
        accounts { kind balance { amount } } visits(first: 3) { edges { node { visitedAt lines { service { name } } } } } } } } }`,
    {},
  );
  expect(frontDesk.answered).toBe(true);
  const search = await same(
    'MANAGER',
    `query($term: String) { customers(filter: { search: $term }) { totalCount edges { node { id name healthProfile { notes } } } } }`,
    { term: '8001' },
  );
  expect(search.answered).toBe(true);
  expect(search.audited.length).toBeGreaterThan(0);
  const unknown = await same(
    'MANAGER',
    `{ customers(first: 2) { edges { node { id assignedConsultant { displayName } } } } }`,
    {},
  );
  expect(unknown.compiled).toBe(false);
  const skipped = await same(
    'MANAGER',
    `query($hide: Boolean!) { customers(first: 2) { edges { node { id name @skip(if: $hide) } } } }`,
    { hide: true },
  );
  expect(skipped.compiled).toBe(false);
});

test('over HTTP a compiled answer is sent as the json text PostgreSQL wrote, equal to graphql-js’s answer', async () => {
  const { url, server } = await listen(compiled.app);
  try {
    const post = async (role: string, query: string, variables: Record<string, unknown>) => {
      const response = await postGraphQL(url, role, query, variables);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      return (await response.json()) as GraphQLResult;
    };
    for (const [role, query, variables] of [
      ['MANAGER', LIST_PAGE, { first: 3 }],
      ['OWNER', LIST_PAGE, { first: 20 }],
      ['MANAGER', CUSTOMER_360, { id: org.assigned.id }],
      ['MANAGER', SHAPES, { first: 5, visits: 2 }],
      // Compiled and answered by graphql-js (a withdrawn consent), and a delegated root with an error.
      ['MANAGER', LIST_PAGE, { first: 20 }],
      ['MANAGER', LEDGER, { customer: org.assigned.id, account: org.assigned.id }],
    ] as const) {
      compiledStatements.length = 0;
      const sent = await post(role, query, variables);
      const expected = await execute(reference, tokens[role], query, variables);
      expect(sent).toEqual(expected);
    }
    // The body is PostgreSQL's text (json_build_object writes `"key" : value`, JSON.stringify never
    // does), with the health data opened from its sealed form in it, and no mark left.
    const body = await (await postGraphQL(url, 'MANAGER', CUSTOMER_360, { id: org.assigned.id })).text();
    expect(body).toMatch(/^\{"data":\{"customer":\{"id" : "/);
    expect(body).toContain('"notes" : "腰椎间盘突出，避免重压"');
    expect(body).not.toContain('"#');
  } finally {
    server.close();
  }
});

test('a sealed column holding plaintext (from before the encryption) or a value that does not open goes to graphql-js, alike over HTTP', async () => {
  const customer = await createCustomer(compiled, org, '明文旧档');
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { updateHealthProfile(customerId: $id, input: { notes: "待替换" }) { id } }`,
    { id: customer.id },
  );
  const { url, server } = await listen(compiled.app);
  const query = `query($id: ID!) { customer(id: $id) { id name healthProfile { notes } } }`;
  try {
    const [{ notes: sealed }] = await compiled.orm.em
      .fork()
      .getConnection()
      .execute<{ notes: string }[]>('select notes from health_profile where customer_id = ?', [customer.id]);
    // The same sealed value with a character of its body changed (not the last: in base64url its low
    // bits may be padding, which decoding drops): it fails authentication.
    const at = sealed.length - 10;
    const tampered = `${sealed.slice(0, at)}${sealed[at] === 'A' ? 'B' : 'A'}${sealed.slice(at + 1)}`;
    for (const stored of [
      '引号"和\\反斜杠',
      '换行\n第二行',
      'plain-text_only',
      'v1.AAAA.BBBB.CCCC',
      tampered,
    ]) {
      await compiled.asOwner(`update health_profile set notes = $1 where customer_id = $2`, [
        stored,
        customer.id,
      ]);
      const body = (await (
        await postGraphQL(url, 'MANAGER', query, { id: customer.id })
      ).json()) as GraphQLResult;
      expect(body).toEqual(await execute(reference, tokens.MANAGER, query, { id: customer.id }));
      if (stored === tampered) expect(body.errors?.length).toBeGreaterThan(0);
      if (!stored.startsWith('v1.') && stored !== tampered)
        expect((body.data?.customer as { healthProfile: { notes: string } }).healthProfile.notes).toBe(
          stored,
        );
    }
  } finally {
    server.close();
  }
});

test('preferences a tool wrote with other types, or numbers json cannot round-trip, go to graphql-js, alike over HTTP', async () => {
  const customer = await createCustomer(compiled, org, '偏好异常');
  const { url, server } = await listen(compiled.app);
  const query = `query($id: ID!) { customer(id: $id) { id preferences { serviceTypes scents noScent pressure music } } }`;
  try {
    for (const stored of [
      { scents: ['玫瑰'], noScent: false, pressure: 'FIRM', music: '古筝' },
      { scents: 'x' },
      { scents: ['a', 1] },
      { noScent: 'yes' },
      { pressure: 'VERY_HARD' },
      { music: 1e300 },
      { serviceTypes: null, music: null },
    ]) {
      await compiled.asOwner(`update customer set preferences = $1::jsonb where id = $2`, [
        JSON.stringify(stored),
        customer.id,
      ]);
      const body = (await (
        await postGraphQL(url, 'MANAGER', query, { id: customer.id })
      ).json()) as GraphQLResult;
      expect(body).toEqual(await execute(reference, tokens.MANAGER, query, { id: customer.id }));
    }
  } finally {
    server.close();
  }
});
