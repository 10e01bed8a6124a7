import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import {
  getNamedType,
  isNonNullType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';
import pino from 'pino';
import { buildContractSchema } from '../../src/server/build-schema';
import { createErrorFormatter } from '../../src/server/error-formatter';
import { instantAt, localTime, offsetMinutes } from '../../src/core/local-time';
import { createCatalogue } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, newKey, sellCard } from '../support/ledger-fixtures';
import { createTestApp, execute, listen, type TestApp } from '../support/test-app';
import { garbageFor, IdPool, literal, Random, selectionFor, type ValueContext } from './garbage';

/**
 * Every query and mutation with hostile arguments derived from its argument types, over real HTTP, as
 * OWNER, FRONT_DESK and an API key: a client's garbage is a 4xx-class GraphQL error with a code, never
 * a 5xx or INTERNAL_SERVER_ERROR. FUZZ_SEED reproduces a run; FUZZ_ROUNDS makes it longer.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 10);

let testApp: TestApp;
let own: OrganizationFixture;
let other: OrganizationFixture;
let server: Server;
let url: string;
const pools = { own: new IdPool(), other: new IdPool() };
/** Server-side error logs (the formatter logs the cause of every INTERNAL_SERVER_ERROR). */
const serverErrors: { msg?: string; err?: { type?: string; message?: string; code?: string } }[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) serverErrors.push(JSON.parse(line));
      done();
    },
  });
  testApp = await createTestApp(pino({ level: 'error' }, sink));
  own = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家养生馆');
  for (const [org, pool] of [
    [own, pools.own],
    [other, pools.other],
  ] as const) {
    const menu = await createCatalogue(testApp, org);
    const cards = await createCardProducts(testApp, org, menu);
    await sellCard(testApp, org.tokens.FRONT_DESK, org.assigned.id, cards.topUp.id);
    pool.add('Store', org.storeId);
    pool.add('Organization', org.organizationId);
    for (const user of Object.values(org.users)) pool.add('StaffMember', user.id);
    pool.add('Customer', org.assigned.id);
    pool.add('Customer', org.unassigned.id);
  }
  ({ server, url } = await listen(testApp.app));
  // Real ids of every kind: the lists and pages that need no argument, as each organization's owner.
  const schema = await buildContractSchema();
  for (const field of Object.values(schema.getQueryType()!.getFields()))
    if (field.args.every((argument) => !isNonNullType(argument.type)))
      for (const [org, pool] of [
        [own, pools.own],
        [other, pools.other],
      ] as const)
        pool.harvest(
          (await post(org.tokens.OWNER, `{ ${field.name} ${selectionFor(field.type)} }`)).body?.data,
        );
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

interface Response {
  status: number;
  body?: { data?: unknown; errors?: { message: string; extensions?: { code?: unknown } }[] };
}

async function post(token: string, query: string, variables?: unknown): Promise<Response> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status };
  }
}

/** One call of a root field: variables mostly (type errors hit variable coercion), literals sometimes. */
function callOf(
  random: Random,
  operation: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
): { query: string; variables: Record<string, unknown> } {
  const context: ValueContext = {
    random,
    own: pools.own,
    other: pools.other,
    idType: getNamedType(field.type).name,
    wellTyped: random.chance(0.7),
    plausible: false,
  };
  context.plausible = context.wellTyped && random.chance(0.5);
  const useLiterals = random.chance(0.2);
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const argumentsText: string[] = [];
  for (const argument of field.args as readonly GraphQLArgument[]) {
    if (!isNonNullType(argument.type) && random.chance(0.3)) continue;
    const value = garbageFor(argument.type, argument.name, context);
    if (useLiterals) {
      argumentsText.push(`${argument.name}: ${literal(value, argument.type)}`);
    } else {
      declarations.push(`$${argument.name}: ${String(argument.type)}`);
      argumentsText.push(`${argument.name}: $${argument.name}`);
      if (value !== undefined) variables[argument.name] = value;
    }
  }
  const header = declarations.length > 0 ? `${operation} Fuzz(${declarations.join(', ')})` : operation;
  const args = argumentsText.length > 0 ? `(${argumentsText.join(', ')})` : '';
  return { query: `${header} { ${field.name}${args} ${selectionFor(field.type)} }`, variables };
}

const truncate = (value: unknown, length = 300) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > length ? `${text.slice(0, length)}…(${text.length} chars)` : text;
};

test('garbage arguments to every query and mutation never answer 5xx or INTERNAL_SERVER_ERROR', async () => {
  const schema = await buildContractSchema();
  const roots = [
    ...Object.values(schema.getQueryType()!.getFields()).map((field) => ['query', field] as const),
    ...Object.values((schema.getMutationType() as GraphQLObjectType).getFields()).map(
      (field) => ['mutation', field] as const,
    ),
  ];
  // The key is made after the users' rounds, which revoke every key they can find.
  const apiKeySecret = async () => {
    const created = await post(
      own.tokens.OWNER,
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: `fuzz-${newKey()}`, scopes: ['customers:read', 'customers:write', 'ledger:write'] } },
    );
    return (created.body?.data as { createApiKey: { secret: string } }).createApiKey.secret;
  };
  const viewers = [
    ['OWNER', async () => own.tokens.OWNER, ROUNDS],
    ['FRONT_DESK', async () => own.tokens.FRONT_DESK, ROUNDS],
    ['API_KEY', apiKeySecret, 1],
  ] as const;
  const random = new Random(SEED);
  const failures = new Map<string, { count: number; example: string }>();
  let calls = 0;
  // Fields whose resolver ran at least once (data, or an error at a path): past coercion and validation.
  const reached = new Set<string>();
  for (const [role, tokenOf, rounds] of viewers) {
    const token = await tokenOf();
    for (let round = 0; round < rounds; round++) {
      for (const [operation, field] of random.shuffle(roots)) {
        const { query, variables } = callOf(random, operation, field);
        const logged = serverErrors.length;
        const response = await post(token, query, variables);
        calls++;
        pools.own.harvest(response.body?.data);
        if (response.body?.data || response.body?.errors?.some((error) => 'path' in error))
          reached.add(field.name);
        const bad = (response.body?.errors ?? []).filter(
          (error) =>
            typeof error.extensions?.code !== 'string' || error.extensions.code === 'INTERNAL_SERVER_ERROR',
        );
        if (response.status < 500 && bad.length === 0 && response.body) continue;
        const cause = serverErrors
          .slice(logged)
          .map(
            (entry) =>
              `${entry.err?.code ?? ''} ${entry.err?.type ?? ''}: ${entry.err?.message ?? entry.msg}`,
          );
        const key = `${field.name} [${response.status}] ${truncate(cause[0] ?? bad[0]?.message, 160)}`;
        const failure = failures.get(key) ?? {
          count: 0,
          example: `${role} ${truncate(query, 200)} variables=${truncate(variables)} errors=${truncate(bad)} cause=${truncate(cause)}`,
        };
        failure.count++;
        failures.set(key, failure);
      }
    }
  }
  // A field whose every call so far failed coercion (a large input object, a few garbage fields each)
  // gets more calls as OWNER until one reaches its resolver: which fields are lucky depends on the
  // seed and on how many root fields there are, not on the server.
  const owner = await viewers[0][1]();
  for (const [operation, field] of roots) {
    for (let attempt = 0; attempt < 60 && !reached.has(field.name); attempt++) {
      const { query, variables } = callOf(random, operation, field);
      const logged = serverErrors.length;
      const response = await post(owner, query, variables);
      calls++;
      if (response.body?.data || response.body?.errors?.some((error) => 'path' in error))
        reached.add(field.name);
      const bad = (response.body?.errors ?? []).filter(
        (error) =>
          typeof error.extensions?.code !== 'string' || error.extensions.code === 'INTERNAL_SERVER_ERROR',
      );
      if (response.status >= 500 || bad.length > 0 || !response.body) {
        const cause = serverErrors
          .slice(logged)
          .map((entry) => `${entry.err?.code ?? ''}: ${entry.err?.message ?? entry.msg}`);
        const key = `${field.name} [${response.status}] ${truncate(cause[0] ?? bad[0]?.message, 160)}`;
        failures.set(key, {
          count: (failures.get(key)?.count ?? 0) + 1,
          example: `OWNER ${truncate(query, 200)} variables=${truncate(variables)}`,
        });
      }
    }
  }
  const report = [...failures].map(([key, { count, example }]) => `${key} ×${count}\n    ${example}`);
  const unreached = roots.map(([, field]) => field.name).filter((name) => !reached.has(name));
  expect({ seed: SEED, calls, report, unreached }).toEqual({ seed: SEED, calls, report: [], unreached: [] });
}, 180_000);

describe('what the fuzz found', () => {
  // An organization of its own: the fuzz above archives, withdraws consent and renames at random.
  let fresh: OrganizationFixture;
  beforeAll(async () => {
    fresh = await createOrganization(testApp, '回归测试馆');
    await createCatalogue(testApp, fresh);
  });

  test('more than 50 wrong variables are BAD_USER_INPUT to the last error, not INTERNAL_SERVER_ERROR', async () => {
    const response = await post(
      fresh.tokens.FRONT_DESK,
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`,
      { input: { name: '王五', preferences: { scents: Array.from({ length: 60 }, () => 1.5) } } },
    );
    expect(response.status).toBe(400);
    const codes = response.body!.errors!.map((error) => error.extensions?.code);
    expect(codes).toHaveLength(51);
    expect(new Set(codes)).toEqual(new Set(['BAD_USER_INPUT']));
  });

  test('a null filter is an absent filter', async () => {
    const response = await post(
      fresh.tokens.OWNER,
      `query($storeId: ID!) {
        visits(filter: null) { totalCount }
        stockMovements(storeId: $storeId, filter: null) { totalCount }
        customers(filter: null, orderBy: null) { totalCount }
        appointments(filter: null) { totalCount }
        products(filter: null) { totalCount }
      }`,
      { storeId: fresh.storeId },
    );
    expect(response.body!.errors).toBeUndefined();
    expect(response.body!.data).toMatchObject({ customers: { totalCount: 2 } });
  });

  test('null for a required field of a partial update is BAD_USER_INPUT naming it; a null list empties', async () => {
    const created = await execute(
      testApp,
      fresh.tokens.OWNER,
      `mutation { createContraindicationTag(input: { name: "空值测试", severity: CAUTION, keywords: null }) { id keywords } }`,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createContraindicationTag.id as string;
    const severity = await execute(
      testApp,
      fresh.tokens.OWNER,
      `mutation($id: ID!) { updateContraindicationTag(id: $id, input: { severity: null }) { severity } }`,
      { id },
    );
    expect(severity.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'severity' });
    const keywords = await execute(
      testApp,
      fresh.tokens.OWNER,
      `mutation($id: ID!) { updateContraindicationTag(id: $id, input: { keywords: ["孕"] }) { keywords } }`,
      { id },
    );
    expect(keywords.data!.updateContraindicationTag.keywords).toEqual(['孕']);
    const cleared = await execute(
      testApp,
      fresh.tokens.OWNER,
      `mutation($id: ID!) { updateContraindicationTag(id: $id, input: { keywords: null }) { severity keywords } }`,
      { id },
    );
    expect(cleared.data!.updateContraindicationTag).toEqual({ severity: 'CAUTION', keywords: [] });

    const allergy = await execute(
      testApp,
      fresh.tokens.OWNER,
      `mutation($customerId: ID!) { addAllergy(customerId: $customerId, input: { substance: "花粉", category: ENVIRONMENT }) { id } }`,
      { customerId: fresh.assigned.id },
    );
    expect(allergy.errors).toBeUndefined();
    for (const field of ['substance', 'category', 'clinicalStatus']) {
      const update = await execute(
        testApp,
        fresh.tokens.OWNER,
        `mutation($id: ID!) { updateAllergy(id: $id, input: { ${field}: null }) { substance } }`,
        { id: allergy.data!.addAllergy.id },
      );
      expect(update.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  test('a customer takes null preferences and important dates as none, and refuses a null name', async () => {
    const created = await execute(
      testApp,
      fresh.tokens.FRONT_DESK,
      `mutation { createCustomer(input: { name: "赵六", preferences: null, importantDates: null }) { id version preferences { scents } importantDates { label } } }`,
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCustomer).toMatchObject({ preferences: { scents: [] }, importantDates: [] });
    const renamed = await execute(
      testApp,
      fresh.tokens.FRONT_DESK,
      `mutation($id: ID!, $version: Int!) { updateCustomer(id: $id, expectedVersion: $version, input: { name: null }) { name } }`,
      { id: created.data!.createCustomer.id, version: created.data!.createCustomer.version },
    );
    expect(renamed.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  test('free text in text[] columns comes back exactly as written: "null", spaces, backslashes, newlines', async () => {
    const words = ['null', 'NULL', ' 肩颈 ', 'a\\b', 'x,\ny', '"引号"', '{}'];
    const profile = await execute(
      testApp,
      fresh.tokens.OWNER,
      `mutation($customerId: ID!, $words: [String!]) { updateHealthProfile(customerId: $customerId, input: { currentComplaints: $words }) { currentComplaints } }`,
      { customerId: fresh.unassigned.id, words },
    );
    expect(profile.errors).toBeUndefined();
    const read = await execute(
      testApp,
      fresh.tokens.OWNER,
      `query($id: ID!) { customer(id: $id) { healthProfile { currentComplaints } } }`,
      { id: fresh.unassigned.id },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.customer.healthProfile.currentComplaints).toEqual(words);
  });

  test('a leave before the year 1000 is recorded, one PostgreSQL cannot hold is BAD_USER_INPUT', async () => {
    const profiles = await execute(
      testApp,
      fresh.tokens.OWNER,
      `query($storeId: ID!) { staffProfiles(storeId: $storeId) { id } }`,
      { storeId: fresh.storeId },
    );
    const leaveOn = (date: string) =>
      execute(
        testApp,
        fresh.tokens.OWNER,
        `mutation($input: ScheduleExceptionInput!) { addScheduleException(input: $input) { exception { date kind } } }`,
        { input: { staffProfileId: profiles.data!.staffProfiles[0].id, date, kind: 'LEAVE' } },
      );
    const leave = await leaveOn('0100-03-01');
    expect(leave.errors).toBeUndefined();
    expect(leave.data!.addScheduleException.exception).toEqual({ date: '0100-03-01', kind: 'LEAVE' });
    // Its start in Asia/Shanghai is still 0000-12-31 in UTC, which PostgreSQL cannot hold (22008).
    const tooEarly = await leaveOn('0001-01-01');
    expect(tooEarly.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(instantAt('0050-06-01', 90, 'UTC').toISOString()).toBe('0050-06-01T01:30:00.000Z');
    expect(localTime(new Date('0050-06-01T01:30:00.000Z'), 'Asia/Tokyo').date).toBe('0050-06-01');
  });

  test('availability on 9999-12-31, whose end is in the year 10000, answers', async () => {
    const services = await execute(testApp, fresh.tokens.OWNER, `{ services { id } }`);
    const slots = await execute(
      testApp,
      fresh.tokens.FRONT_DESK,
      `query($storeId: ID!, $serviceId: ID!) { availability(storeId: $storeId, serviceId: $serviceId, date: "9999-12-31") { startsAt } }`,
      { storeId: fresh.storeId, serviceId: services.data!.services[0].id },
    );
    expect(slots.errors).toBeUndefined();
    expect(offsetMinutes(new Date('+010000-01-01T00:00:00Z'), 'Asia/Shanghai')).toBe(480);
  });

  test('half a surrogate pair in a variable is BAD_USER_INPUT naming the field', async () => {
    const variable = await post(
      fresh.tokens.FRONT_DESK,
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`,
      { input: { name: '孙七', email: '\ud800@test.cn' } },
    );
    expect(variable.status).toBe(400);
    expect(variable.body!.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: '$input.email',
      rule: 'LONE_SURROGATE',
    });
    const inline = await post(
      fresh.tokens.FRONT_DESK,
      `{ customers(filter: { search: "\\udc00" }) { totalCount } }`,
    );
    // In a literal, graphql-js's lexer refuses it already.
    expect(inline.body!.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED' });
    // A whole pair is text: 𝄞 is \ud834\udd1e.
    const pair = await post(
      fresh.tokens.FRONT_DESK,
      `{ customers(filter: { search: "\\ud834\\udd1e" }) { totalCount } }`,
    );
    expect(pair.body!.errors).toBeUndefined();
  });

  test('a validator that throws instead of reporting is BAD_USER_INPUT, not a formatter crash', () => {
    const format = createErrorFormatter(pino({ level: 'silent' }), false);
    const formatted = format(
      { message: 'Argument Validation Error', extensions: { code: 'BAD_USER_INPUT', validationErrors: {} } },
      new Error('URI malformed'),
    );
    expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  test('null lists of a health profile empty them', async () => {
    const profile = await execute(
      testApp,
      fresh.tokens.OWNER,
      `mutation($customerId: ID!) { updateHealthProfile(customerId: $customerId, input: { secondaryConstitutions: null, currentComplaints: null, wellnessGoals: null }) { secondaryConstitutions currentComplaints wellnessGoals } }`,
      { customerId: fresh.assigned.id },
    );
    expect(profile.errors).toBeUndefined();
    expect(profile.data!.updateHealthProfile).toEqual({
      secondaryConstitutions: [],
      currentComplaints: [],
      wellnessGoals: [],
    });
  });
});
