import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { keyRing } from '../../src/core/crypto/key-ring';
import { policies } from '../../src/policies';
import { COMPILED_READ_TAG } from '../../src/server/compiled-read/compile-entry';
import { createContext } from '../../src/server/context';
import { isRawData } from '../../src/server/raw-json';
import { inRequestScope } from '../../src/services/tenancy';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, sellCard } from '../support/ledger-fixtures';
import { createTestApp, execute, type GraphQLResult, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

/**
 * Probes of compiled reads (server/compiled-read) against graphql-js over the shielded schema, as in
 * test/read/compiled-read.test.ts: a second app on the same database with the compiler off is the
 * reference, and every probe asks both for the same query, comparing data (key order included),
 * errors and the audit rows written. Where the compiler should cover a probe, the probe also checks
 * that a compiled statement ran, so the comparison is not graphql-js against itself.
 */
let compiled: TestApp;
let reference: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;
let menu: CatalogueFixture;
let tokens: Record<string, string>;
const compiledStatements: string[] = [];
const ids: Record<string, string> = {};

const DAY = 86_400_000;
/** The plaintext of the withdrawn customer's allergy: it must never be opened but for OWNER. */
const WITHDRAWN_SECRET = '撤回者的花粉过敏-probe';

/** Like test/support/test-app.ts `execute`, with an operation name. */
async function run(
  testApp: TestApp,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown>,
  operationName?: string,
): Promise<GraphQLResult> {
  return inRequestScope(async () => {
    const contextValue = await createContext(
      { orm: testApp.orm, tokens: testApp.tokens, rateLimits: testApp.rateLimits },
      {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        requestId: randomBytes(8).toString('hex'),
        logger: pino({ level: 'silent' }),
      },
    );
    const response = await testApp.apollo.executeOperation(
      { query, variables, operationName },
      { contextValue },
    );
    if (response.body.kind !== 'single') throw new Error('Expected a single result');
    return response.body.singleResult as GraphQLResult;
  });
}

const ok = async (token: string, query: string, variables?: Record<string, unknown>) => {
  const result = await execute(compiled, token, query, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
};

async function recordVisit(customerId: string, daysAgo: number, lines: number) {
  const data = await ok(
    org.tokens.MANAGER,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId,
        storeId: org.storeId,
        visitedAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
        satisfaction: 4,
        feedback: '肩颈轻松多了',
        suggestions: '多喝温水',
        lines: Array.from({ length: lines }, (_, index) => ({
          serviceId: index % 2 ? menu.haircut.id : menu.massage.id,
          therapistId: index % 2 ? org.users.OTHER_THERAPIST.id : org.users.THERAPIST.id,
          bodyArea: '肩颈',
        })),
      },
    },
  );
  return data.recordVisit.id as string;
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
  other = await createOrganization(compiled, '隔壁足道');
  menu = await createCatalogue(compiled, org);
  const id = org.assigned.id;
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { updateHealthProfile(customerId: $id, input: { constitution: QI_DEFICIENCY, notes: "腰椎间盘突出，避免重压" }) { id } }`,
    { id },
  );
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { addSpecialCondition(customerId: $id, input: { kind: POST_SURGERY, description: "膝关节术后", startsOn: "2026-01-01", endsOn: "2099-12-31", note: "避免按压膝盖" }) { id } }`,
    { id },
  );
  const cards = await createCardProducts(compiled, org, menu);
  expect((await sellCard(compiled, org.tokens.FRONT_DESK, id, cards.topUp.id)).errors).toBeUndefined();
  expect((await sellCard(compiled, org.tokens.FRONT_DESK, id, cards.massageCard.id)).errors).toBeUndefined();
  for (const daysAgo of [1, 3, 8]) await recordVisit(id, daysAgo, 2);
  await recordVisit(org.unassigned.id, 2, 1);
  // Amounts with odd cents and below one yuan (a check constraint keeps balances at zero or above).
  await compiled.asOwner(
    `update account set principal = 12345, bonus = 7 where customer_id = $1 and kind = (select min(kind) from account where customer_id = $1)`,
    [id],
  );
  // Archived: never on the default list.
  const archived = await createCustomer(compiled, org, '已归档', {
    createdAt: new Date(Date.now() - 20 * DAY),
  });
  ids.archived = archived.id;
  await ok(org.tokens.MANAGER, `mutation($id: ID!) { archiveCustomer(id: $id) { id } }`, { id: archived.id });
  // The oldest customer withdrew health consent.
  // Through the API (a health profile, opened for the consent), then moved back 30 days.
  const withdrawn = (
    await ok(org.tokens.MANAGER, `mutation { createCustomer(input: { name: "撤回同意" }) { id } }`)
  ).createCustomer as { id: string };
  await compiled.asOwner(`update customer set created_at = now() - interval '30 days' where id = $1`, [
    withdrawn.id,
  ]);
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { giveHealthConsent(input: { customerId: $id, source: "健康档案知情同意书" }) { id } }`,
    { id: withdrawn.id },
  );
  ids.withdrawn = withdrawn.id;
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { addAllergy(customerId: $id, input: { substance: "${WITHDRAWN_SECRET}", category: OTHER }) { id } }`,
    { id: withdrawn.id },
  );
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { withdrawHealthConsent(input: { customerId: $id, source: "客户要求" }) { id } }`,
    { id: withdrawn.id },
  );
  // A health profile without allergies, conditions or history.
  // Created through the API (which opens the profile), with every optional column the input takes.
  const created = await ok(
    org.tokens.MANAGER,
    `mutation { createCustomer(input: { name: "无过敏", gender: FEMALE, birthday: "1990-02-28", phone: "13700137000",
      email: "wu@example.cn", address: "上海市徐汇区", occupation: "教师", source: WALK_IN, sourceNote: "路过",
      notes: "喜欢安静", photoUrl: "https://example.cn/p.jpg" }) { id } }`,
  );
  const noAllergy = { id: created.createCustomer.id as string };
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { giveHealthConsent(input: { customerId: $id, source: "健康档案知情同意书" }) { id } }`,
    { id: noAllergy.id },
  );
  ids.noAllergy = noAllergy.id;
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { updateHealthProfile(customerId: $id, input: { notes: "一切正常" }) { id } }`,
    { id: noAllergy.id },
  );
  // 勿扰: marketing never lists them; and one who withdrew consent on the only channel asked about.
  const doNotContact = await createCustomer(compiled, org, '勿扰客户');
  ids.doNotContact = doNotContact.id;
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { updateContactPreferences(input: { customerId: $id, doNotContact: true }) { id } }`,
    { id: doNotContact.id },
  );
  const refused = await createCustomer(compiled, org, '拒绝短信');
  ids.refused = refused.id;
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { setContactConsent(input: { customerId: $id, channel: SMS, granted: false, source: "电话" }) { id } }`,
    { id: refused.id },
  );
  // The newest: no health profile, no wallet, no visit; created at a microsecond PostgreSQL keeps.
  const newest = await createCustomer(compiled, org, '王芳');
  ids.newest = newest.id;
  await compiled.asOwner(
    `update customer set created_at = date_trunc('milliseconds', created_at) + interval '999 microseconds' where id = $1`,
    [newest.id],
  );
  await ok(
    org.tokens.MANAGER,
    `mutation($id: ID!) { updateCustomer(id: $id, expectedVersion: 1, input: { statusOverride: LOST }) { id } }`,
    { id: org.unassigned.id },
  );
  await createCustomer(compiled, other, '别家客户');
  const key = await ok(org.tokens.OWNER, `mutation { createApiKey(input: { name: "收银系统" }) { secret } }`);
  tokens = {
    ...org.tokens,
    INTEGRATION: key.createApiKey.secret,
    OTHER_ORG_MANAGER: other.tokens.MANAGER,
    OTHER_ORG_OWNER: other.tokens.OWNER,
  };
});
afterAll(async () => {
  await reference.close();
  await compiled.close();
});

const ROLES = [
  'OWNER',
  'MANAGER',
  'CONSULTANT',
  'THERAPIST',
  'OTHER_THERAPIST',
  'FRONT_DESK',
  'MARKETING',
  'AUDITOR',
  'INTEGRATION',
  'OTHER_ORG_MANAGER',
];

interface AuditRow {
  customer_id: string;
  fields: string[];
  role: string;
  grant_id: string | null;
  reason: string | null;
  operation_name: string | null;
  entity_type: string;
}

/** Audit READ rows the request writes: everything after a mark of the database clock. */
async function auditedBy(request: () => Promise<GraphQLResult>) {
  const connection = compiled.orm.em.fork().getConnection();
  const [{ mark }] = await connection.execute<{ mark: Date }[]>('select clock_timestamp() as mark');
  const result = await request();
  const rows = await connection.execute<AuditRow[]>(
    `select customer_id, fields, role, grant_id, reason, operation_name, entity_type from audit_event
      where occurred_at >= ? and action = 'READ' order by customer_id, entity_type`,
    [mark],
  );
  return { result, rows };
}

/**
 * Both apps answer alike (data in the same key order, errors, audit rows); returns the compiled app's
 * answer and whether a compiled statement ran for it.
 */
async function same(
  role: string,
  query: string,
  variables: Record<string, unknown> = {},
  operationName?: string,
) {
  compiledStatements.length = 0;
  const fast = await auditedBy(() => run(compiled, tokens[role], query, variables, operationName));
  const ran = compiledStatements.length > 0;
  const slow = await auditedBy(() => run(reference, tokens[role], query, variables, operationName));
  expect(fast.result).toEqual(slow.result);
  // Key order too (toEqual ignores it); Apollo's HTTP layer orders errors, data and extensions itself.
  expect(JSON.stringify(fast.result.data)).toBe(JSON.stringify(slow.result.data));
  expect(fast.rows).toEqual(slow.rows);
  // answered: the compiled statement's json text is the answer (not sent back to graphql-js).
  return { result: fast.result, audited: fast.rows, compiled: ran, answered: isRawData(fast.result.data) };
}

type Edges = { customers: { edges: { node: Record<string, unknown> }[] } };
const nodesOf = (result: GraphQLResult) =>
  (result.data as unknown as Edges).customers.edges.map((e) => e.node);

/**
 * Response keys named like members of the compiler's objects, of JavaScript objects and of the SQL
 * (the server allows 15 aliases a query: two queries).
 */
const HIDDEN_KEY_ALIASES = `{ customers(first: 4) { edges { node {
    customer: id _customer: name __proto__: code constructor: name toString: id hasOwnProperty: __typename
    sealed: id children: name finish: code data: id json_build_object: name o: status c: name
} } } }`;
const HIDDEN_KEY_ALIASES_NESTED = `{ customers(first: 4) { edges { node {
    id: healthProfile { __proto__: notes customer: constitution children: allergies { sealed: substance } }
    healthProfile: id visits: accounts { __proto__: balance { amount } } } } } }`;

/** One field twice under a key, with other sub-selections through fragments and aliases. */
const MERGED = `query Merged { customers(first: 4) { edges { node { ...A ...B healthProfile { notes } } } } }
fragment A on Customer { id healthProfile { allergies { substance } } accounts { kind } visits(first: 2) { totalCount } }
fragment B on Customer { name healthProfile { constitution allergies { severity substance } }
  accounts { balance { amount } } hp: healthProfile { id } visits(first: 2) { edges { node { id } } } }`;

/**
 * A field directly and through a spread; fragments in fragments; inline fragments without a type
 * (the server's depth limit of 10 counts a spread as two levels: three shallow queries).
 */
const NESTED_FRAGMENTS = `query Nested { customers(first: 4) { ...Page } }
fragment Page on CustomerConnection { totalCount ... { pageInfo { hasNextPage endCursor } } edges { cursor node { id ...Row } } }
fragment Row on Customer { id name ...Deeper }
fragment Deeper on Customer { name code status }`;
const NESTED_HEALTH_FRAGMENTS = `query NestedHealth { customers(first: 4) { edges { node { ...Health } } } }
fragment Health on Customer { healthProfile { notes ... { allergies { substance } } } accounts { ...Wallet } }
fragment Wallet on Account { kind principal { amount } bonus { amount minorUnits } }`;
const INLINE_FRAGMENTS = `{ customers(first: 4) { edges { node { id ... { code ... on Customer { ... { status id } } } } } } }`;

/** __typename on every object of the compiled shapes. */
const TYPENAMES = `{ __typename customers(first: 5) { __typename pageInfo { __typename hasNextPage }
  edges { __typename node { __typename id
    healthProfile { __typename allergies { __typename substance } medicalHistory { __typename condition }
      specialConditions { __typename kind } }
    accounts { __typename kind balance { __typename amount currency } }
    visits(first: 2) { __typename totalCount pageInfo { __typename endCursor } edges { __typename cursor
      node { __typename id lines { __typename position listPrice { __typename amount }
        service { __typename name } therapist { __typename displayName } } } } } } } } }`;

/** Every leaf the compiler prints from a column, for the types it reads. */
const EVERY_COLUMN = `query Columns($first: Int) { customers(first: $first) { totalCount edges { cursor node {
  id code name namePinyin gender birthday phone email address occupation source sourceNote statusOverride
  notes photoUrl visitCount lastVisitAt archivedAt version createdAt updatedAt status hasHealthAlerts
  healthProfile { id constitution notes version updatedAt
    allergies { id substance category criticality clinicalStatus verificationStatus reaction severity onsetDate note recordedAt }
    medicalHistory { id condition since status note recordedAt }
    specialConditions { id kind description startsOn endsOn note recordedAt } }
  accounts { id kind status units validUntil firstUsedAt frozenAt createdAt
    balance { amount minorUnits currency } principal { amount minorUnits } bonus { amount minorUnits } }
  visits(first: 5) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id visitedAt effect satisfaction feedback suggestions nextVisitIntent nextVisitOn version createdAt
      lines { id position durationMinutes bodyArea listPrice { amount minorUnits currency }
        service { id code name category description durationMinutes version bufferMinutes roomKind active }
        therapist { id displayName role email active } } } } } } } } }`;

/** The fields of a page every customer reader reads by role (no health, no contact, no money). */
const PLAIN = `query Plain($first: Int, $after: String, $visits: Int, $visitsAfter: String, $filter: CustomerFilter, $orderBy: CustomerOrder) {
  customers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) { totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id code name status createdAt
      visits(first: $visits, after: $visitsAfter) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id visitedAt lines { position service { name } } } } } } } } }`;

/** A type's selection: its leaves and its object fields (a connection's page given as `args`). */
interface Shape {
  type: string;
  leaves: string[];
  objects?: Record<string, Shape & { args?: string }>;
}

const MONEY: Shape = { type: 'Money', leaves: ['amount', 'minorUnits', 'currency'] };
const CUSTOMER_SHAPE: Shape = {
  type: 'Customer',
  leaves: [
    ...['id', 'code', 'name', 'namePinyin', 'gender', 'birthday', 'phone', 'email', 'address', 'occupation'],
    ...['source', 'sourceNote', 'statusOverride', 'notes', 'photoUrl', 'visitCount', 'lastVisitAt'],
    ...['archivedAt', 'version', 'createdAt', 'updatedAt', 'status', 'hasHealthAlerts'],
  ],
  objects: {
    accounts: {
      type: 'Account',
      leaves: ['id', 'kind', 'status', 'units', 'validUntil', 'firstUsedAt', 'frozenAt', 'createdAt'],
      objects: { balance: MONEY, principal: MONEY, bonus: MONEY },
    },
    visits: {
      type: 'VisitConnection',
      args: '(first: 5)',
      leaves: ['totalCount'],
      objects: {
        pageInfo: {
          type: 'PageInfo',
          leaves: ['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor'],
        },
        edges: {
          type: 'VisitEdge',
          leaves: ['cursor'],
          objects: {
            node: {
              type: 'Visit',
              leaves: [
                ...['id', 'visitedAt', 'effect', 'satisfaction', 'feedback', 'suggestions'],
                ...['nextVisitIntent', 'nextVisitOn', 'version', 'createdAt'],
              ],
              objects: {
                lines: {
                  type: 'VisitLine',
                  leaves: ['id', 'position', 'durationMinutes', 'bodyArea'],
                  objects: {
                    listPrice: MONEY,
                    service: {
                      type: 'ServiceItem',
                      leaves: [
                        ...['id', 'code', 'name', 'category', 'description', 'durationMinutes', 'version'],
                        ...['bufferMinutes', 'roomKind', 'active'],
                      ],
                    },
                    therapist: {
                      type: 'StaffMember',
                      leaves: ['id', 'displayName', 'role', 'email', 'active'],
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

/** The selection of `shape` a role reads by role alone (policies: ALWAYS), health left out. */
function readableBy(role: string, shape: Shape): string {
  const allowed = (field: string) => {
    const fieldGrant = policies[shape.type]?.[field];
    return (
      fieldGrant !== undefined &&
      !fieldGrant.healthByRole &&
      fieldGrant.conditionFor(role as never) === 'ALWAYS'
    );
  };
  const parts = shape.leaves.filter(allowed);
  for (const [field, child] of Object.entries(shape.objects ?? {})) {
    if (!allowed(field)) continue;
    const inner = readableBy(role, child);
    if (inner) parts.push(`${field}${child.args ?? ''} { ${inner} }`);
  }
  return parts.join(' ');
}

const ROLE_OF: Record<string, string> = { OTHER_THERAPIST: 'THERAPIST', OTHER_ORG_MANAGER: 'MANAGER' };

describe.each(ROLES)('as %s', (role) => {
  test.each([
    ['aliases named like hidden keys', HIDDEN_KEY_ALIASES],
    ['aliases named like hidden keys, nested', HIDDEN_KEY_ALIASES_NESTED],
    ['one field merged from fragments and aliases', MERGED],
    ['fragments in fragments', NESTED_FRAGMENTS],
    ['fragments in fragments, health and money', NESTED_HEALTH_FRAGMENTS],
    ['inline fragments without a type, nested', INLINE_FRAGMENTS],
    ['__typename at every level', TYPENAMES],
    ['every column-printed leaf, a page of 5', EVERY_COLUMN],
  ])('%s: the same answer and audit as graphql-js', async (_label, query) => {
    await same(role, query, { first: 5 });
  });

  test('every column-printed leaf the role reads by role, compiled, on a page of 20', async () => {
    const fields = readableBy(ROLE_OF[role] ?? role, CUSTOMER_SHAPE);
    if (!fields) {
      expect(role).toBe('AUDITOR');
      return;
    }
    const page = await same(
      role,
      `{ customers(first: 20) { totalCount edges { cursor node { ${fields} } } } }`,
    );
    expect(page.compiled).toBe(true);
    expect(page.result.errors).toBeUndefined();
  });

  test('every column-printed leaf on a page of 20 (the withdrawn and the no-profile customers on it)', async () => {
    await same(role, EVERY_COLUMN, { first: 20 });
  });

  test.each([
    ['first 0', { first: 0, visits: 0 }],
    ['first 100', { first: 100, visits: 100 }],
    ['first null', { first: null, visits: null }],
    ['first absent', {}],
    ['first -1', { first: -1 }],
    ['visits first -1', { first: 2, visits: -1 }],
    ['visits first 101', { first: 2, visits: 101 }],
    ['first 2147483647', { first: 2147483647 }],
    ['after ""', { first: 2, after: '', visitsAfter: '' }],
    ['after null', { first: 2, after: null, visitsAfter: null }],
    ['filter and orderBy null', { first: 3, filter: null, orderBy: null }],
    ['an empty filter', { first: 3, filter: {} }],
    ['an order', { first: 3, orderBy: { field: 'CREATED_AT', direction: 'ASC' } }],
    ['a cursor of a valid shape for no row', { first: 2, after: cursor('2000-01-01T00:00:00.000Z') }],
    ['a cursor of the epoch as a number', { first: 2, after: cursor(0) }],
    [
      'a cursor without an id',
      { first: 2, after: Buffer.from('["2026-01-01T00:00:00.000Z"]').toString('base64url') },
    ],
    ['a cursor with a non-uuid id', { first: 2, after: cursor('2026-01-01T00:00:00.000Z', "x' or 1=1 --") }],
    ['a cursor with microseconds', { first: 2, after: cursor('2099-01-01T00:00:00.123456Z') }],
    ['a visits cursor of year 10000', { first: 2, visitsAfter: cursor('+010000-01-01T00:00:00.000Z') }],
  ])('arguments: %s', async (_label, variables) => {
    await same(role, PLAIN, variables);
  });

  test('a cursor of one list given to another, both ways', async () => {
    const first = await same(role, PLAIN, { first: 3, visits: 1 });
    const nodes = first.result.data ? nodesOf(first.result) : [];
    const visitsCursor = nodes
      .map((node) => (node.visits as { edges: { cursor: string }[] } | null)?.edges[0]?.cursor)
      .find(Boolean);
    const customersCursor = (first.result.data as { customers?: { pageInfo: { endCursor: string } } } | null)
      ?.customers?.pageInfo.endCursor;
    if (visitsCursor) await same(role, PLAIN, { first: 3, after: visitsCursor });
    if (customersCursor) await same(role, PLAIN, { first: 3, visitsAfter: customersCursor });
    // Every page, walked by the compiled cursors.
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const next = await same(role, PLAIN, { first: 2, after });
      const info = (
        next.result.data as { customers?: { pageInfo: { endCursor: string; hasNextPage: boolean } } }
      )?.customers?.pageInfo;
      if (!info?.hasNextPage) break;
      after = info.endCursor;
    }
  });

  test('literals and variables alike', async () => {
    const literal = await same(
      role,
      `{ customers(first: 2, after: null, filter: null) { edges { node { id visits(first: 1, after: "") { totalCount } } } } }`,
    );
    const variable = await same(
      role,
      `query($f: Int = 2, $v: Int = 1) { customers(first: $f) { edges { node { id visits(first: $v) { totalCount } } } } }`,
    );
    const shape = (result: GraphQLResult) => ({
      data: result.data,
      errors: result.errors?.map((error) => [error.path, error.extensions?.code]),
    });
    expect(shape(variable.result)).toEqual(shape(literal.result));
  });

  test('two root customers fields with other arguments, __typename at the root', async () => {
    await same(
      role,
      `{ __typename a: customers(first: 1) { edges { node { id } } }
         b: customers(first: 3) { totalCount edges { cursor node { id name } } }
         customers { pageInfo { hasNextPage } } }`,
    );
  });

  test.each([
    ['only __typename', `{ __typename a: __typename }`],
    ['customers under the alias __typename', `{ __typename: customers(first: 1) { edges { node { id } } } }`],
    [
      'one fragment spread twice',
      `{ customers(first: 3) { edges { node { ...R ...R id } } } } fragment R on Customer { id name }`,
    ],
    [
      'a health profile without audited fields',
      `{ customers(first: 4) { edges { node { id healthProfile { id version updatedAt } } } } }`,
    ],
    [
      'customers beside introspection',
      `{ __schema { queryType { name } } customers(first: 1) { edges { node { id } } } }`,
    ],
    ['an unknown field', `{ customers(first: 1) { edges { node { id nope } } } }`],
  ])('odd shapes: %s', async (_label, query) => {
    await same(role, query);
  });

  test.each([
    ['the assigned customer', () => org.assigned.id],
    ['the withdrawn customer', () => ids.withdrawn],
    ['an archived customer', () => ids.archived],
    ['a 勿扰 customer', () => ids.doNotContact],
    ['another organization’s customer', () => other.assigned.id],
    ['no customer', () => '00000000-0000-4000-8000-000000000000'],
    ['not a uuid', () => 'C000001'],
  ])('Query.customer(id) of %s, beside customers', async (_label, id) => {
    await same(
      role,
      `query($id: ID!) { customers(first: 2) { edges { node { id } } } customer(id: $id) { id name code status createdAt
        healthProfile { notes allergies { substance } } accounts { kind balance { amount } } visits(first: 2) { totalCount } } }`,
      { id: id() },
    );
    await same(role, `query($id: ID!) { one: customer(id: $id) { id name } }`, { id: id() });
  });

  test.each([
    [
      'customers',
      `{ customers(first: 2) { edges { node { id } } } customers(first: 2) { totalCount edges { node { name } } } }`,
    ],
    ['customer(id)', `query($id: ID!) { customer(id: $id) { id } customer(id: $id) { name code } }`],
    [
      'customers, the second part the role reads for some rows',
      `{ customers(first: 2) { edges { node { id } } } customers(first: 2) { edges { node { phone } } } }`,
    ],
  ])('one root key selected twice, merged: %s', async (_label, query) => {
    await same(role, query, { id: org.assigned.id });
  });

  test('customers with another root field', async () => {
    await same(role, `{ viewer { role } customers(first: 2) { edges { node { id name } } } }`);
  });

  test('several operations, chosen by operationName', async () => {
    const document = `query One { customers(first: 1) { edges { node { id name } } } }
      query Two($n: Int) { customers(first: $n) { totalCount edges { node { code } } } }
      mutation Three { archiveCustomer(id: "00000000-0000-0000-0000-000000000000") { id } }`;
    await same(role, document, {}, 'One');
    await same(role, document, { n: 3 }, 'Two');
    await same(role, document, {}, undefined);
  });

  test('a directive on a fragment spread or inline fragment is left to graphql-js, alike', async () => {
    const query = `query($yes: Boolean!) { customers(first: 2) { edges { node { id ...N @include(if: $yes) ... @skip(if: $yes) { code } } } } }
      fragment N on Customer { name }`;
    expect((await same(role, query, { yes: true })).compiled).toBe(false);
  });
});

function cursor(sortValue: unknown, id = '00000000-0000-4000-8000-000000000000') {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

test('the compiler does answer the probes it covers (else the comparisons above compare graphql-js with itself)', async () => {
  const covered = {
    HIDDEN_KEY_ALIASES,
    HIDDEN_KEY_ALIASES_NESTED,
    MERGED,
    NESTED_FRAGMENTS,
    NESTED_HEALTH_FRAGMENTS,
    INLINE_FRAGMENTS,
    TYPENAMES,
  };
  const uncompiled: string[] = [];
  for (const [name, query] of Object.entries(covered))
    if (!(await same('OWNER', query)).compiled) uncompiled.push(name);
  expect(uncompiled).toEqual([]);
  expect((await same('MANAGER', EVERY_COLUMN, { first: 5 })).compiled).toBe(true);
  expect((await same('FRONT_DESK', PLAIN, { first: 0, visits: 0 })).compiled).toBe(true);
  expect((await same('THERAPIST', PLAIN, { first: 20 })).compiled).toBe(true);
  expect((await same('INTEGRATION', PLAIN, { first: 3, filter: null, orderBy: null })).compiled).toBe(true);
  expect((await same('MANAGER', PLAIN, { first: 2, after: '', visitsAfter: '' })).compiled).toBe(true);
  // Arguments graphql-js refuses, and the other operation kinds, are not compiled.
  expect((await same('MANAGER', PLAIN, { first: -1 })).compiled).toBe(false);
  expect((await same('MANAGER', PLAIN, { first: 2, visits: 101 })).compiled).toBe(false);
  // An empty filter is the unfiltered list; a status filter compares with the organization's thresholds.
  expect((await same('MANAGER', PLAIN, { first: 3, filter: {} })).compiled).toBe(true);
  expect((await same('MANAGER', PLAIN, { first: 3, filter: { status: ['ACTIVE'] } })).compiled).toBe(true);
});

test('a page holds neither archived customers nor another organization’s', async () => {
  for (const role of ['OWNER', 'MANAGER', 'FRONT_DESK', 'INTEGRATION']) {
    const page = await same(role, `{ customers(first: 100) { totalCount edges { node { id name } } } }`);
    expect(page.compiled).toBe(true);
    const listed = nodesOf(page.result).map((node) => node.id);
    expect(listed).toContain(ids.withdrawn);
    expect(listed).not.toContain(ids.archived);
    expect(nodesOf(page.result).map((node) => node.name)).not.toContain('别家客户');
  }
  const theirs = await same('OTHER_ORG_MANAGER', `{ customers(first: 100) { edges { node { id name } } } }`);
  expect(theirs.compiled).toBe(true);
  expect(nodesOf(theirs.result).map((node) => node.id)).not.toContain(org.assigned.id);
  expect(nodesOf(theirs.result).map((node) => node.name)).toContain('别家客户');
});

test('MARKETING: compiled within its audience, never a 勿扰 customer; contact fields left to graphql-js', async () => {
  const page = await same(
    'MARKETING',
    `{ customers(first: 100) { totalCount edges { node { id name birthday occupation source status } } } }`,
  );
  expect(page.compiled).toBe(true);
  const listed = nodesOf(page.result).map((node) => node.id);
  expect(listed).not.toContain(ids.doNotContact);
  expect(listed).not.toContain(ids.refused);
  expect(listed).toContain(org.assigned.id);
  expect((page.result.data as { customers: { totalCount: number } }).customers.totalCount).toBe(
    listed.length,
  );
  const contact = await same('MARKETING', `{ customers(first: 100) { edges { node { id phone email } } } }`);
  expect(contact.compiled).toBe(false);
  const health = await same(
    'MARKETING',
    `{ customers(first: 5) { edges { node { id healthProfile { notes } } } } }`,
  );
  expect(health.compiled).toBe(false);
  expect(health.result.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');
});

test('without a token: nothing compiled, refused alike', async () => {
  const anonymous = await same('ANONYMOUS', `{ __typename customers(first: 2) { edges { node { id } } } }`);
  expect(anonymous.compiled).toBe(false);
  expect(anonymous.result.errors?.length).toBeGreaterThan(0);
});

test('AUDITOR: no customer content, alike', async () => {
  const auditor = await same('AUDITOR', `{ customers(first: 2) { edges { node { id } } } }`);
  expect(auditor.compiled).toBe(false);
  expect(auditor.result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

test('a health profile without records, a special condition, and the health alert', async () => {
  const page = await same(
    'MANAGER',
    `{ customers(first: 7) { edges { node { id hasHealthAlerts healthProfile { notes allergies { substance }
        medicalHistory { condition } specialConditions { kind description startsOn endsOn note } } } } } }`,
  );
  expect(page.compiled).toBe(true);
  const byId = new Map(nodesOf(page.result).map((node) => [node.id, node]));
  expect(byId.get(ids.noAllergy)?.healthProfile).toEqual({
    notes: '一切正常',
    allergies: [],
    medicalHistory: [],
    specialConditions: [],
  });
  expect(byId.get(ids.newest)?.healthProfile).toBeNull();
  const assigned = byId.get(org.assigned.id) as { hasHealthAlerts: boolean; healthProfile: any };
  expect(assigned.hasHealthAlerts).toBe(true);
  expect(assigned.healthProfile.specialConditions).toContainEqual({
    kind: 'POST_SURGERY',
    description: '膝关节术后',
    startsOn: '2026-01-01',
    endsOn: '2099-12-31',
    note: '避免按压膝盖',
  });
  expect(page.audited.find((row) => row.customer_id === ids.noAllergy)?.fields).toEqual([
    'allergies',
    'medicalHistory',
    'notes',
    'specialConditions',
  ]);
});

test('amounts with cents and below one yuan, and visit lines with their therapist and service', async () => {
  const page = await same(
    'OWNER',
    `{ customers(first: 10) { edges { node { id accounts { kind balance { amount minorUnits } principal { amount } bonus { amount minorUnits } }
        visits(first: 5) { edges { node { id lines { therapist { id displayName } service { name } } } } } } } } }`,
  );
  expect(page.compiled).toBe(true);
  const byId = new Map(nodesOf(page.result).map((node) => [node.id, node as any]));
  const lines = byId.get(org.unassigned.id).visits.edges[0].node.lines;
  expect(lines[0].therapist).toEqual({ id: org.users.THERAPIST.id, displayName: 'THERAPIST' });
  const wallet = byId
    .get(org.assigned.id)
    .accounts.find((account: any) => account.principal.amount === '123.45');
  expect(wallet.bonus).toEqual({ amount: '0.07', minorUnits: 7 });
  expect(wallet.balance).toEqual({ amount: '123.52', minorUnits: 12352 });
});

test('a THERAPIST’s visits are only those they served, counted alike', async () => {
  const query = `{ customers(first: 20) { edges { node { id visits(first: 10) { totalCount edges { node { id lines { position } } } } } } } }`;
  const mine = await same('THERAPIST', query);
  const theirs = await same('OTHER_THERAPIST', query);
  expect(mine.compiled && theirs.compiled).toBe(true);
  const count = (result: GraphQLResult, id: string) =>
    (nodesOf(result).find((node) => node.id === id)?.visits as { totalCount: number }).totalCount;
  expect(count(mine.result, org.assigned.id)).toBe(3);
  // OTHER_THERAPIST gave the second line of each of the assigned customer's visits, none of the other's.
  expect(count(theirs.result, org.assigned.id)).toBe(3);
  expect(count(mine.result, org.unassigned.id)).toBe(1);
  expect(count(theirs.result, org.unassigned.id)).toBe(0);
});

test('a withdrawn customer’s sealed health values are never opened for MANAGER, and are for OWNER', async () => {
  const query = `{ customers(first: 20) { edges { node { id healthProfile { notes allergies { substance reaction note } } } } } }`;
  const opened = jest.spyOn(keyRing, 'openSealed');
  try {
    opened.mockClear();
    const manager = await same('MANAGER', query);
    expect(manager.compiled).toBe(true);
    const managerPlaintexts = opened.mock.results.map((result) => result.value as string);
    expect(managerPlaintexts).not.toContain(WITHDRAWN_SECRET);
    expect(manager.result.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');
    expect(manager.audited.map((row) => row.customer_id)).not.toContain(ids.withdrawn);
    opened.mockClear();
    const owner = await same('OWNER', query);
    expect(owner.compiled).toBe(true);
    expect(opened.mock.results.map((result) => result.value as string)).toContain(WITHDRAWN_SECRET);
    expect(owner.audited.map((row) => row.customer_id)).toContain(ids.withdrawn);
    // The one customer, by id.
    const byId = `query($id: ID!) { customer(id: $id) { id healthProfile { notes allergies { substance } } } }`;
    opened.mockClear();
    const managerOne = await same('MANAGER', byId, { id: ids.withdrawn });
    expect(opened.mock.results.map((result) => result.value as string)).not.toContain(WITHDRAWN_SECRET);
    expect(managerOne.result.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');
    expect(managerOne.audited).toEqual([]);
    opened.mockClear();
    const ownerOne = await same('OWNER', byId, { id: ids.withdrawn });
    expect(ownerOne.compiled).toBe(true);
    expect(opened.mock.results.map((result) => result.value as string)).toContain(WITHDRAWN_SECRET);
  } finally {
    opened.mockRestore();
  }
});

test('a page with a withdrawn customer but no health field stays compiled', async () => {
  const page = await same(
    'MANAGER',
    `{ customers(first: 20) { edges { node { id name hasHealthAlerts } } } }`,
  );
  expect(page.compiled).toBe(true);
  expect(page.result.errors).toBeUndefined();
  expect(nodesOf(page.result).map((node) => node.id)).toContain(ids.withdrawn);
});

test('a demoted, then deactivated user: the plan follows the role of the moment', async () => {
  const user = org.users.OTHER_CONSULTANT;
  const query = `{ customers(first: 20) { edges { node { id notes healthProfile { notes } } } } }`;
  const waitForRole = async (expected: string | null) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const answers = await Promise.all(
        [compiled, reference].map((app) => execute(app, tokens.OTHER_CONSULTANT, `{ viewer { role } }`)),
      );
      const roles = answers.map(
        (answer) => (answer.data as { viewer?: { role: string } } | null)?.viewer?.role ?? null,
      );
      if (roles.every((value) => value === expected)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the directory caches did not see the role ${expected}`);
  };
  try {
    // As a consultant: compiled, and answered by graphql-js (none of the customers is theirs).
    const before = await same('OTHER_CONSULTANT', query);
    expect(before.answered).toBe(false);
    expect(before.result.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');
    await compiled.asOwner(`update app_user set role = 'MANAGER' where id = $1`, [user.id]);
    await waitForRole('MANAGER');
    const promoted = await same('OTHER_CONSULTANT', query.replace('first: 20', 'first: 3'));
    expect(promoted.compiled).toBe(true);
    expect(promoted.result.errors).toBeUndefined();
    await compiled.asOwner(`update app_user set role = 'FRONT_DESK' where id = $1`, [user.id]);
    await waitForRole('FRONT_DESK');
    const demoted = await same('OTHER_CONSULTANT', query);
    expect(demoted.result.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');
    await compiled.asOwner(`update app_user set active = false where id = $1`, [user.id]);
    // A deactivated user's request is refused while its context is built, before any execution.
    for (const app of [compiled, reference])
      for (let attempt = 0; ; attempt++) {
        const refused = await execute(
          app,
          tokens.OTHER_CONSULTANT,
          `{ customers(first: 2) { edges { node { id } } } }`,
        ).then(
          () => false,
          (error: { extensions?: { code?: string } }) => error.extensions?.code === 'UNAUTHENTICATED',
        );
        if (refused) break;
        if (attempt > 50) throw new Error('a deactivated user was still served');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
  } finally {
    await compiled.asOwner(`update app_user set role = 'CONSULTANT', active = true where id = $1`, [user.id]);
  }
});

test('a balance beyond the safe integers (bigint columns) answers alike', async () => {
  const query = `{ customers(first: 10) { edges { node { id accounts { id balance { amount minorUnits } principal { minorUnits } } } } } }`;
  const [{ id }] = await compiled.orm.em
    .fork()
    .getConnection()
    .execute<{ id: string }[]>(`select id from account where customer_id = ? and principal = 12345`, [
      org.assigned.id,
    ]);
  await compiled.asOwner(`update account set principal = 9007199254740993 where id = $1`, [id]);
  try {
    const page = await same('OWNER', query);
    expect(page.compiled).toBe(true);
  } finally {
    await compiled.asOwner(`update account set principal = 12345 where id = $1`, [id]);
  }
});

/** Two `customers` under one response key: graphql-js merges them; health only in the second. */
const TWICE_HEALTH_SECOND = `query($first: Int) { customers(first: $first) { edges { node { id } } }
  customers(first: $first) { edges { node { healthProfile { notes } } } } }`;

test('health read through the second of two `customers` under one key is audited', async () => {
  // The compiled app alone: every customer whose health notes it answers has its audit row.
  compiledStatements.length = 0;
  const answered = await auditedBy(() => run(compiled, tokens.MANAGER, TWICE_HEALTH_SECOND, { first: 6 }));
  expect(compiledStatements.length).toBeGreaterThan(0);
  const notes = nodesOf(answered.result)
    .map((node) => (node.healthProfile as { notes: string | null } | null)?.notes)
    .filter(Boolean);
  expect(notes).toContain('腰椎间盘突出，避免重压');
  expect(answered.rows.length).toBeGreaterThanOrEqual(notes.length);
  await same('MANAGER', TWICE_HEALTH_SECOND, { first: 6 });
});

test('health read through the second of two `customers` under one key still checks a withdrawn consent', async () => {
  const answered = await run(compiled, tokens.MANAGER, TWICE_HEALTH_SECOND, { first: 20 });
  expect(answered.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');
  await same('MANAGER', TWICE_HEALTH_SECOND, { first: 20 });
});
