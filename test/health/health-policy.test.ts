import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

type Caller = keyof OrganizationFixture['tokens'];

/** Which callers read which health section of the assigned / unassigned customer. */
const SAFETY_READERS_ASSIGNED: Caller[] = ['OWNER', 'MANAGER', 'CONSULTANT', 'THERAPIST'];
const CLINICAL_READERS_ASSIGNED: Caller[] = ['OWNER', 'MANAGER', 'CONSULTANT'];
const READERS_UNASSIGNED: Caller[] = ['OWNER', 'MANAGER'];
const ALL_CALLERS: Caller[] = [
  'OWNER',
  'MANAGER',
  'CONSULTANT',
  'THERAPIST',
  'FRONT_DESK',
  'MARKETING',
  'AUDITOR',
  'OTHER_CONSULTANT',
  'OTHER_THERAPIST',
];

const SAFETY_FIELDS = ['allergies { substance }', 'specialConditions { kind }'];
const CLINICAL_FIELDS = [
  'medicalHistory { condition }',
  'constitution',
  'lifestyle { sleepHours }',
  'skinProfile { type }',
  'currentComplaints',
  'wellnessGoals',
  'notes',
];

function fieldName(selection: string) {
  return selection.split(' ')[0];
}

const shapes: Record<string, (customerId: string, selection: string) => string> = {
  direct: (id, selection) => `{ customer(id: "${id}") { name healthProfile { ${selection} } } }`,
  alias: (id, selection) => `{ c: customer(id: "${id}") { name hp: healthProfile { x: ${selection} } } }`,
  namedFragment: (id, selection) =>
    `query Q { customer(id: "${id}") { ...C } } fragment C on Customer { name healthProfile { ...H } } fragment H on HealthProfile { ${selection} }`,
  connection: (id, selection) =>
    `{ customers(first: 10) { edges { node { id name healthProfile { ${selection} } } } } }`,
  inlineFragment: (id, selection) =>
    `{ customer(id: "${id}") { name ... on Customer { healthProfile { ... on HealthProfile { ${selection} } } } } }`,
};

function readValue(result: { data?: any }, shape: string, selection: string, customerId: string) {
  const customer =
    shape === 'connection'
      ? result.data?.customers.edges.map((edge: any) => edge.node).find((node: any) => node.id === customerId)
      : shape === 'alias'
        ? result.data?.c
        : result.data?.customer;
  const profile = shape === 'alias' ? customer?.hp : customer?.healthProfile;
  return {
    name: customer?.name,
    value: profile ? profile[shape === 'alias' ? 'x' : fieldName(selection)] : undefined,
    profile,
  };
}

describe.each(Object.keys(shapes))('health fields through %s selection', (shape) => {
  const cases: [Caller, 'assigned' | 'unassigned', string, boolean][] = [];
  for (const caller of ALL_CALLERS) {
    for (const selection of [...SAFETY_FIELDS, ...CLINICAL_FIELDS]) {
      const safety = SAFETY_FIELDS.includes(selection);
      cases.push([
        caller,
        'assigned',
        selection,
        (safety ? SAFETY_READERS_ASSIGNED : CLINICAL_READERS_ASSIGNED).includes(caller),
      ]);
      cases.push([caller, 'unassigned', selection, READERS_UNASSIGNED.includes(caller)]);
    }
  }

  test.each(cases)('%s reading %s customer: %s → allowed %s', async (caller, which, selection, allowed) => {
    const customer = which === 'assigned' ? org.assigned : org.unassigned;
    const result = await execute(testApp, org.tokens[caller], shapes[shape](customer.id, selection));
    if (caller === 'AUDITOR') {
      // The auditor reads no customer content at all.
      expect(result.data?.customer ?? result.data?.c ?? result.data?.customers ?? null).toBeNull();
      expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      return;
    }
    const { name, value } = readValue(result, shape, selection, customer.id);
    expect(name).toBe(customer.name);
    // In the connection the other customer is on the page too: only this customer's edge counts.
    const index =
      shape === 'connection'
        ? result.data!.customers.edges.findIndex((edge: any) => edge.node.id === customer.id)
        : -1;
    const errors = (result.errors ?? []).filter(
      (error) => shape !== 'connection' || error.path?.[2] === index,
    );
    const ownData = shape === 'connection' ? result.data!.customers.edges[index] : result.data;
    if (allowed) {
      expect(errors).toEqual([]);
      expect(value).not.toBeNull();
    } else {
      expect(value ?? null).toBeNull();
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((error) => error.extensions?.code === 'FORBIDDEN')).toBe(true);
      expect(JSON.stringify(ownData)).not.toMatch(/薰衣草|芒果|高血压|健康备注|失眠/);
    }
  });
});

test('through the customers connection FRONT_DESK gets names and flags, health null with FORBIDDEN at each path', async () => {
  const query = `{ customers(first: 50) { edges { node { name hasHealthAlerts healthProfile { allergies { substance } medicalHistory { condition } } } } } }`;
  const frontDesk = await execute(testApp, org.tokens.FRONT_DESK, query);
  const nodes = frontDesk.data!.customers.edges.map((edge: any) => edge.node);
  expect(nodes.map((node: any) => node.name).sort()).toEqual(['张三', '李四']);
  expect(nodes.every((node: any) => node.hasHealthAlerts === true)).toBe(true);
  expect(nodes.every((node: any) => node.healthProfile === null)).toBe(true);
  expect(frontDesk.errors!.map((error) => error.path)).toEqual([
    ['customers', 'edges', 0, 'node', 'healthProfile'],
    ['customers', 'edges', 1, 'node', 'healthProfile'],
  ]);
  expect(frontDesk.errors!.every((error) => error.extensions?.code === 'FORBIDDEN')).toBe(true);

  const manager = await execute(testApp, org.tokens.MANAGER, query);
  expect(manager.errors).toBeUndefined();
  const substances = manager.data!.customers.edges.flatMap((edge: any) =>
    edge.node.healthProfile.allergies.map((a: any) => a.substance),
  );
  expect(substances.sort()).toEqual(['芒果', '薰衣草精油']);
});

test('a therapist sees allergies of the assigned customer but not of others in the same list', async () => {
  const result = await execute(
    testApp,
    org.tokens.THERAPIST,
    `{ customers(first: 10, orderBy: { field: CODE, direction: ASC }) { edges { node { code healthProfile { allergies { substance } } } } } }`,
  );
  const [first, second] = result.data!.customers.edges.map((edge: any) => edge.node);
  expect(first.healthProfile.allergies).toEqual([{ substance: '薰衣草精油' }]);
  expect(second.healthProfile).toBeNull();
  expect(result.errors!.map((error) => error.path)).toEqual([
    ['customers', 'edges', 1, 'node', 'healthProfile'],
  ]);
});

test('customer notes: consultant reads them only for assigned customers, front desk never', async () => {
  const query = (id: string) => `{ customer(id: "${id}") { name notes } }`;
  expect((await execute(testApp, org.tokens.CONSULTANT, query(org.assigned.id))).data!.customer.notes).toBe(
    '备注: 客户怕冷',
  );
  const unassigned = await execute(testApp, org.tokens.CONSULTANT, query(org.unassigned.id));
  expect(unassigned.data!.customer).toEqual({ name: '李四', notes: null });
  expect(unassigned.errors![0].extensions!.code).toBe('FORBIDDEN');
  const frontDesk = await execute(testApp, org.tokens.FRONT_DESK, query(org.assigned.id));
  expect(frontDesk.data!.customer.notes).toBeNull();
});

test('viewer lists the readable fields of the role', async () => {
  const query = `{ viewer { role readableFields { typeName fieldName condition } } }`;
  const frontDesk = (await execute(testApp, org.tokens.FRONT_DESK, query)).data!.viewer;
  const fields = frontDesk.readableFields.map((field: any) => `${field.typeName}.${field.fieldName}`);
  expect(fields).toContain('Customer.hasHealthAlerts');
  expect(fields).not.toContain('Customer.healthProfile');
  expect(
    fields.some((field: string) => field.startsWith('HealthProfile.') || field.startsWith('Allergy.')),
  ).toBe(false);
  const therapist = (await execute(testApp, org.tokens.THERAPIST, query)).data!.viewer;
  expect(therapist.readableFields).toContainEqual({
    typeName: 'HealthProfile',
    fieldName: 'allergies',
    // Served customers, and those an access grant or break-glass names (issue 17).
    condition: 'SERVED_OR_GRANTED',
  });
  expect(therapist.readableFields.find((field: any) => field.fieldName === 'medicalHistory')).toBeUndefined();
});

test('an anonymous caller reads nothing but may log in', async () => {
  const result = await execute(testApp, undefined, `{ customers(first: 1) { totalCount } }`);
  expect(result.data).toBeNull();
  // No credentials is not a role without rights: the caller is told to authenticate (issue 13).
  expect(result.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  expect(result.errors![0].message).toMatch(/Authorization: Bearer/);
  const login = await execute(
    testApp,
    undefined,
    `mutation { login(email: "nobody@example.cn", password: "wrong-password") { token } }`,
  );
  expect(login.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  expect(login.errors![0].message).not.toMatch(/Authorization: Bearer/);
});
