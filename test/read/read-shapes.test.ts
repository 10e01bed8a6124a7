import { getNamedType, isCompositeType, isNonNullType, isObjectType, type GraphQLObjectType } from 'graphql';
import { Visit } from '../../src/entities';
import { buildContractSchema } from '../../src/server/build-schema';
import { READ_SHAPES } from '../../src/services/read/read-shapes';
import { rowShape } from '../../src/services/rows';
import { createCatalogue, insertAppointment } from '../support/booking-fixtures';
import { createCardProducts, sellCard } from '../support/ledger-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

/**
 * A query's reads fetch only the columns its selection needs (src/services/read/read-shapes.ts): these
 * tests keep the declarations complete, check what is left out of the statements, and that answers
 * are the same whatever else is selected.
 */
let testApp: TestApp;
let org: OrganizationFixture;
const sql: string[] = [];

beforeAll(async () => {
  // Read shapes narrow the loaders' statements of graphql-js; a compiled read (server/compiled-read)
  // builds its json from the columns it selects anyway: these queries must not be compiled.
  testApp = await createTestApp(undefined, { config: { compiledReads: false } });
  org = await createOrganization(testApp);
  const menu = await createCatalogue(testApp, org);
  for (let index = 0; index < 3; index++) {
    const result = await execute(
      testApp,
      org.tokens.MANAGER,
      `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
      {
        input: {
          customerId: org.assigned.id,
          storeId: org.storeId,
          visitedAt: new Date(Date.now() - (index + 1) * 86_400_000).toISOString(),
          satisfaction: 4,
          feedback: `舒适 ${index}`,
          suggestions: `下次加热敷 ${index}`,
          lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id, durationMinutes: 60 }],
        },
      },
    );
    expect(result.errors).toBeUndefined();
  }
  const cards = await createCardProducts(testApp, org, menu);
  expect(
    (await sellCard(testApp, org.tokens.FRONT_DESK, org.assigned.id, cards.massageCard.id)).errors,
  ).toBeUndefined();
  await insertAppointment(testApp, org, {
    customerId: org.assigned.id,
    therapistId: org.users.THERAPIST.id,
    service: menu.massage,
    startsAt: new Date(Date.now() + 86_400_000),
  });
  for (const mutation of [
    `addAllergy(customerId: $id, input: { substance: "芒果", category: FOOD }) { id }`,
    `addMedicalCondition(customerId: $id, input: { condition: "高血压", since: "2020-01-01" }) { id }`,
    `addSpecialCondition(customerId: $id, input: { kind: POST_SURGERY, description: "术后恢复", startsOn: "2026-01-01" }) { id }`,
  ]) {
    const added = await execute(testApp, org.tokens.MANAGER, `mutation($id: ID!) { ${mutation} }`, {
      id: org.assigned.id,
    });
    expect(added.errors).toBeUndefined();
  }
  testApp.orm.em
    .getConnection()
    .getKnex()
    .on('query', (query: { sql: string }) => sql.push(query.sql));
});

afterAll(() => testApp.close());

const LIST = (visitFields: string) => `query Page($id: ID!) { customer(id: $id) { id
  visits(first: 5) { edges { node { ${visitFields} lines { durationMinutes service { name } therapist { displayName } } } } }
  accounts { kind balance { amount } } } }`;

test('every field of a narrowed type says what it reads of the row', async () => {
  const schema = await buildContractSchema();
  for (const declared of READ_SHAPES) {
    const type = schema.getType(declared.type);
    if (!isObjectType(type)) throw new Error(`${declared.type} is not an object type of the schema`);
    const meta = testApp.orm.getMetadata().get(declared.entity.name);
    const properties = new Set(Object.keys(meta.properties));
    const unaccounted = Object.keys(type.getFields()).filter(
      (field) => !(field in declared.reads) && !properties.has(field),
    );
    expect({ type: declared.type, unaccounted }).toEqual({ type: declared.type, unaccounted: [] });
    const unknown = [...Object.values(declared.reads).flat(), ...(declared.always ?? [])].filter(
      (property) => !properties.has(property),
    );
    expect({ type: declared.type, unknown }).toEqual({ type: declared.type, unknown: [] });
    // Sanity: the declared type is reachable (the registry names real GraphQL types).
    expect(getNamedType(type).name).toBe(declared.type);
  }
});

test('a query reads only the columns it selects, and the same values as a wider query', async () => {
  sql.length = 0;
  const narrow = await execute(testApp, org.tokens.MANAGER, LIST('visitedAt feedback'), {
    id: org.assigned.id,
  });
  expect(narrow.errors).toBeUndefined();
  const visitsStatement = sql.find((text) => text.includes('from "visit_line" p'));
  expect(visitsStatement).toBeDefined();
  // Not selected: neither the visit's suggestions, nor the service's description, nor staff e-mails.
  expect(visitsStatement).not.toMatch(/'suggestions'|'description'|'email'/);
  expect(visitsStatement).toMatch(/'feedback'/);

  sql.length = 0;
  const wide = await execute(
    testApp,
    org.tokens.MANAGER,
    LIST('visitedAt feedback suggestions effect createdAt'),
    {
      id: org.assigned.id,
    },
  );
  expect(wide.errors).toBeUndefined();
  expect(sql.find((text) => text.includes('from "visit_line" p'))).toMatch(/'suggestions'/);
  type Page = { customer: { visits: { edges: { node: Record<string, unknown> }[] } } };
  const narrowNodes = (narrow.data as Page).customer.visits.edges.map((edge) => edge.node);
  const wideNodes = (wide.data as Page).customer.visits.edges.map((edge) => edge.node);
  expect(wideNodes.map(({ visitedAt, feedback, lines }) => ({ visitedAt, feedback, lines }))).toEqual(
    narrowNodes,
  );
  expect(wideNodes[0].suggestions).toBe('下次加热敷 0');
  expect(narrowNodes[0].lines).toEqual([
    {
      durationMinutes: 60,
      service: { name: expect.any(String) },
      therapist: { displayName: expect.any(String) },
    },
  ]);
});

test('the same type selected in two places reads the columns of both', async () => {
  sql.length = 0;
  const result = await execute(
    testApp,
    org.tokens.MANAGER,
    `query Two($id: ID!) { customer(id: $id) {
       recent: visits(first: 1) { edges { node { feedback } } }
       ...Older } }
     fragment Older on Customer { visits(first: 3) { edges { node { ... on Visit { suggestions } } } } }`,
    { id: org.assigned.id },
  );
  expect(result.errors).toBeUndefined();
  const data = result.data as {
    customer: {
      recent: { edges: { node: { feedback: string } }[] };
      visits: { edges: { node: { suggestions: string } }[] };
    };
  };
  expect(data.customer.recent.edges[0].node.feedback).toBe('舒适 0');
  expect(data.customer.visits.edges.map((edge) => edge.node.suggestions)).toEqual([
    '下次加热敷 0',
    '下次加热敷 1',
    '下次加热敷 2',
  ]);
});

test('a narrowed row refuses to be read for a column it lacks (it never answers null for it)', () => {
  const shape = rowShape(testApp.orm.em.fork(), Visit).narrow(new Set(['visitedAt']));
  const row = shape.map({
    id: 'a',
    organization_id: 'o',
    visited_at: '2026-01-01T00:00:00Z',
    customer_id: 'c',
  });
  expect(row.visitedAt).toEqual(new Date('2026-01-01T00:00:00Z'));
  expect(row.customer).toEqual({ id: 'c' });
  expect(() => row.feedback).toThrow(/Visit\.feedback was not read/);
  expect(shape.columns).not.toContain('feedback');
});

test('a mutation answers with whole rows (its services read them too)', async () => {
  const version = await execute(
    testApp,
    org.tokens.MANAGER,
    `query($id: ID!) { customer(id: $id) { version } }`,
    {
      id: org.assigned.id,
    },
  );
  sql.length = 0;
  const result = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($id: ID!, $version: Int!) { updateCustomer(id: $id, expectedVersion: $version, input: { occupation: "教师" }) {
       id visits(first: 1) { edges { node { feedback } } } } }`,
    { id: org.assigned.id, version: (version.data as { customer: { version: number } }).customer.version },
  );
  expect(result.errors).toBeUndefined();
  const visitRead = sql.find((text) => text.includes('from visit t'));
  expect(visitRead).toMatch(/"suggestions"/);
});

test('each field of a narrowed type selected alone, on each path to the type, answers without a fault', async () => {
  // A resolver that reads a column its type does not declare throws on a narrowed row: selecting each
  // field alone, on every path that reads the type narrowed, finds it.
  const schema = await buildContractSchema();
  const id = org.assigned.id;
  const paths: Record<string, ((inner: string) => string)[]> = {
    Customer: [
      (f) => `customer(id: "${id}") { ${f} }`,
      (f) => `customers(first: 5) { edges { node { ${f} } } }`,
      (f) =>
        `customers(first: 5, orderBy: { field: NAME, direction: ASC }) { edges { cursor node { ${f} } } }`,
      (f) => `customer(id: "${id}") { visits(first: 2) { edges { node { customer { ${f} } } } } }`,
    ],
    Visit: [
      (f) => `customer(id: "${id}") { visits(first: 5) { edges { node { ${f} } } } }`,
      (f) => `customers(first: 5) { edges { node { visits(first: 5) { edges { node { ${f} } } } } } }`,
    ],
    VisitLine: [(f) => `customer(id: "${id}") { visits(first: 5) { edges { node { lines { ${f} } } } } }`],
    ServiceItem: [
      (f) => `customer(id: "${id}") { visits(first: 5) { edges { node { lines { service { ${f} } } } } } }`,
      (f) =>
        `customer(id: "${id}") { appointments(first: 5) { edges { node { items { service { ${f} } } } } } }`,
      (f) => `customer(id: "${id}") { accounts { cardProduct { services { ${f} } } } }`,
    ],
    StaffMember: [
      (f) => `customer(id: "${id}") { visits(first: 5) { edges { node { lines { therapist { ${f} } } } } } }`,
      (f) => `customer(id: "${id}") { visits(first: 5) { edges { node { recordedBy { ${f} } } } } }`,
    ],
    Account: [
      (f) => `customer(id: "${id}") { accounts { ${f} } }`,
      (f) => `customers(first: 5) { edges { node { accounts { ${f} } } } }`,
    ],
    HealthProfile: [
      (f) => `customer(id: "${id}") { healthProfile { ${f} } }`,
      (f) => `customers(first: 5) { edges { node { healthProfile { ${f} } } } }`,
    ],
    Allergy: [(f) => `customers(first: 5) { edges { node { healthProfile { allergies { ${f} } } } } }`],
    MedicalCondition: [(f) => `customer(id: "${id}") { healthProfile { medicalHistory { ${f} } } }`],
    SpecialCondition: [(f) => `customer(id: "${id}") { healthProfile { specialConditions { ${f} } } }`],
  };
  const faults: unknown[] = [];
  let answered = 0;
  for (const declared of READ_SHAPES) {
    const type = schema.getType(declared.type) as GraphQLObjectType;
    expect(paths[declared.type]).toBeDefined();
    for (const field of Object.values(type.getFields())) {
      if (field.args.some((arg) => isNonNullType(arg.type))) continue;
      const named = getNamedType(field.type);
      const selection = isCompositeType(named)
        ? named.name.endsWith('Connection')
          ? `${field.name} { totalCount }`
          : `${field.name} { __typename }`
        : field.name;
      for (const path of paths[declared.type]) {
        const result = await execute(testApp, org.tokens.OWNER, `{ ${path(selection)} }`);
        const internal = (result.errors ?? []).filter(
          (error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR',
        );
        if (internal.length) faults.push({ type: declared.type, field: field.name, errors: internal });
        else answered++;
      }
    }
  }
  expect(faults).toEqual([]);
  expect(answered).toBeGreaterThan(100);
});
