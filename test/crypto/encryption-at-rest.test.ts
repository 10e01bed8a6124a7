import { randomBytes } from 'node:crypto';
import { Visit } from '../../src/entities';
import { keyRing } from '../../src/core/crypto/key-ring';
import { createOrganization, countRows, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

/**
 * Health data encrypted at rest (issue 17): what the API writes is no plaintext in any table, the API
 * still answers it to the roles that read it, and a tampered value fails instead of reading as text.
 */
let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const ALLERGY = `过敏原${randomBytes(3).toString('hex')}`;
const CONDITION = `病史${randomBytes(3).toString('hex')}`;
const TEXTS = {
  allergy: ALLERGY,
  reaction: '全身荨麻疹反应',
  condition: CONDITION,
  pregnancy: '孕二十周复查',
  notes: '健康备注需复诊',
  complaint: '夜间盗汗',
  diet: '低盐少油饮食',
  skin: '两颊色斑',
  visit: '右膝旧伤疼痛',
};

/** Every table whose rows, as text (all columns), hold `value`: read as the tables' owner. */
async function tablesHolding(value: string): Promise<string[]> {
  const tables: { name: string }[] = await testApp.orm.em.getConnection().execute(
    `select quote_ident(table_schema) || '.' || quote_ident(table_name) as name
         from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  const found: string[] = [];
  for (const { name } of tables)
    if (
      (await countRows(testApp.orm, `select count(*) from ${name} t where strpos(t::text, ?) > 0`, [value])) >
      0
    )
      found.push(name);
  return found;
}

const PROFILE = `query($id: ID!) { customer(id: $id) { healthProfile {
  notes constitution currentComplaints lifestyle { diet } skinProfile { concerns }
  allergies { substance reaction } medicalHistory { condition } specialConditions { description } } } }`;

async function writeHealth(customerId: string) {
  const writes = [
    execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!, $input: AllergyInput!) { addAllergy(customerId: $id, input: $input) { id } }`,
      { id: customerId, input: { substance: ALLERGY, category: 'FOOD', reaction: TEXTS.reaction } },
    ),
    execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!, $input: MedicalConditionInput!) { addMedicalCondition(customerId: $id, input: $input) { id } }`,
      { id: customerId, input: { condition: CONDITION } },
    ),
    execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!, $input: SpecialConditionInput!) { addSpecialCondition(customerId: $id, input: $input) { id } }`,
      { id: customerId, input: { kind: 'PREGNANCY', description: TEXTS.pregnancy, startsOn: '2026-01-01' } },
    ),
    execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!, $input: HealthProfileInput!) { updateHealthProfile(customerId: $id, input: $input) { id } }`,
      {
        id: customerId,
        input: {
          notes: TEXTS.notes,
          constitution: 'SPECIAL_DIATHESIS',
          currentComplaints: [TEXTS.complaint],
          lifestyle: { diet: TEXTS.diet },
          skinProfile: { concerns: [TEXTS.skin] },
        },
      },
    ),
  ];
  for (const result of await Promise.all(writes)) expect(result.errors).toBeUndefined();
}

test('no table holds the plaintext of health values the API wrote; the readers still get them, others are refused', async () => {
  const customerId = org.assigned.id;
  await writeHealth(customerId);
  // A visit's condition notes, written as an entity (the flush seals them too).
  const em = testApp.orm.em.fork();
  const visit = em.create(Visit, {
    organization: org.organizationId,
    store: org.storeId,
    customer: customerId,
    visitedAt: new Date(),
    conditionNotes: TEXTS.visit,
  });
  await em.flush();

  for (const [label, value] of Object.entries(TEXTS))
    expect({ label, tables: await tablesHolding(value) }).toEqual({ label, tables: [] });
  // The constitution too (an enum name, so only its own table is searched).
  expect(
    await countRows(testApp.orm, `select count(*) from health_profile t where strpos(t::text, ?) > 0`, [
      'SPECIAL_DIATHESIS',
    ]),
  ).toBe(0);
  // The columns hold ciphertext naming their key, not nothing.
  const [allergy] = await testApp.orm.em
    .getConnection()
    .execute(
      `select substance, reaction from allergy where customer_id = ? order by recorded_at desc limit 1`,
      [customerId],
    );
  expect(allergy.substance).toMatch(/^v1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);

  const expected = {
    notes: TEXTS.notes,
    constitution: 'SPECIAL_DIATHESIS',
    currentComplaints: [TEXTS.complaint],
    lifestyle: { diet: TEXTS.diet },
    skinProfile: { concerns: [TEXTS.skin] },
    allergies: expect.arrayContaining([{ substance: ALLERGY, reaction: TEXTS.reaction }]),
    medicalHistory: expect.arrayContaining([{ condition: CONDITION }]),
    specialConditions: expect.arrayContaining([{ description: TEXTS.pregnancy }]),
  };
  for (const role of ['OWNER', 'MANAGER'] as const) {
    const result = await execute(testApp, org.tokens[role], PROFILE, { id: customerId });
    expect({ role, errors: result.errors }).toEqual({ role, errors: undefined });
    expect(result.data!.customer.healthProfile).toEqual(expected);
  }
  // The assigned therapist reads the SAFETY section (allergies, special conditions).
  const safety = await execute(
    testApp,
    org.tokens.THERAPIST,
    `query($id: ID!) { customer(id: $id) { healthProfile { allergies { substance reaction } specialConditions { description } } } }`,
    { id: customerId },
  );
  expect(safety.errors).toBeUndefined();
  expect(safety.data!.customer.healthProfile).toEqual({
    allergies: expected.allergies,
    specialConditions: expected.specialConditions,
  });
  // The list page reads the same values from json built in SQL (health-profile-loader.ts).
  const page = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ customers(first: 10) { edges { node { id healthProfile { allergies { substance } notes } } } } }`,
  );
  expect(page.errors).toBeUndefined();
  const edge = page.data!.customers.edges.find((candidate: any) => candidate.node.id === customerId);
  expect(edge.node.healthProfile.notes).toBe(TEXTS.notes);
  expect(edge.node.healthProfile.allergies).toContainEqual({ substance: ALLERGY });
  const notes = await execute(
    testApp,
    org.tokens.MANAGER,
    `query($id: ID!) { visit(id: $id) { conditionNotes } }`,
    {
      id: visit.id,
    },
  );
  expect(notes.errors).toBeUndefined();
  expect(notes.data!.visit.conditionNotes).toBe(TEXTS.visit);

  for (const role of ['FRONT_DESK', 'MARKETING', 'OTHER_THERAPIST'] as const) {
    const result = await execute(testApp, org.tokens[role], PROFILE, { id: customerId });
    expect({ role, codes: [...new Set(result.errors?.map((error) => error.extensions?.code))] }).toEqual({
      role,
      codes: ['FORBIDDEN'],
    });
    expect(JSON.stringify(result.data)).not.toContain(ALLERGY);
  }
});

test('a tampered value fails with an error, never as its ciphertext or a guess', async () => {
  const customer = org.unassigned.id;
  const result = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation($id: ID!, $input: MedicalConditionInput!) { addMedicalCondition(customerId: $id, input: $input) { id } }`,
    { id: customer, input: { condition: '篡改测试' } },
  );
  expect(result.errors).toBeUndefined();
  const id = result.data!.addMedicalCondition.id;
  const [row] = await testApp.orm.em
    .getConnection()
    .execute(`select condition from medical_condition where id = ?`, [id]);
  // One character of the ciphertext changed: GCM's tag no longer matches.
  const stored = row.condition as string;
  const last = stored.at(-3) === 'A' ? 'B' : 'A';
  await testApp.asOwner(`update medical_condition set condition = $1 where id = $2`, [
    `${stored.slice(0, -3)}${last}${stored.slice(-2)}`,
    id,
  ]);
  const read = await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customer(id: $id) { healthProfile { medicalHistory { id condition } } } }`,
    { id: customer },
  );
  expect(read.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  expect(JSON.stringify(read)).not.toContain('篡改测试');
  expect(JSON.stringify(read)).not.toContain(stored.slice(0, 20));
  // And the key ring says what failed, without the value.
  expect(() => keyRing.open(`${stored.slice(0, -3)}${last}${stored.slice(-2)}`)).toThrow(
    /failed authentication/,
  );
  await testApp.asOwner(`update medical_condition set condition = $1 where id = $2`, [stored, id]);
});
