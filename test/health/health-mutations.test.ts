import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCustomer } from '../support/visit-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const ADD_ALLERGY = `mutation($customerId: ID!, $input: AllergyInput!) {
  addAllergy(customerId: $customerId, input: $input) { id substance category severity verificationStatus }
}`;

test('the assigned therapist records an allergy; it raises the alert flag and is audited without its value', async () => {
  const customer = (
    await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation { createCustomer(input: { name: "钱一" }) { id } }`,
    )
  ).data!.createCustomer;
  const flag = `{ customer(id: "${customer.id}") { hasHealthAlerts } }`;
  expect((await execute(testApp, org.tokens.FRONT_DESK, flag)).data!.customer.hasHealthAlerts).toBe(false);
  await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation { assignCustomerStaff(id: "${customer.id}", therapistId: "${org.users.THERAPIST.id}") { id } }`,
  );
  const addAllergy = () =>
    execute(testApp, org.tokens.THERAPIST, ADD_ALLERGY, {
      customerId: customer.id,
      input: { substance: '玫瑰精油', category: 'ESSENTIAL_OIL', severity: 'MODERATE' },
    });
  // A new customer has not consented to health data yet (PIPL art. 29): nothing is written.
  const refused = await addAllergy();
  expect(refused.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'customerId',
    rule: 'HEALTH_CONSENT_MISSING',
  });
  const consent = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation { giveHealthConsent(input: { customerId: "${customer.id}", source: "健康档案知情同意书" }) {
      healthConsent { status source } } }`,
  );
  expect(consent.data!.giveHealthConsent.healthConsent).toEqual({
    status: 'GIVEN',
    source: '健康档案知情同意书',
  });
  const added = await addAllergy();
  expect(added.errors).toBeUndefined();
  expect(added.data!.addAllergy).toMatchObject({ substance: '玫瑰精油', verificationStatus: 'UNCONFIRMED' });
  expect((await execute(testApp, org.tokens.FRONT_DESK, flag)).data!.customer.hasHealthAlerts).toBe(true);
  const [row] = await testApp.orm.em
    .getConnection()
    .execute(
      `select fields, action, entity_type from audit_event where customer_id = ? and entity_type = 'Allergy'`,
      [customer.id],
    );
  expect(row).toMatchObject({ action: 'CREATE', entity_type: 'Allergy' });
  expect(row.fields).toEqual(expect.arrayContaining(['substance', 'category', 'severity']));
  expect(JSON.stringify(row)).not.toContain('玫瑰');
});

test('a therapist not serving the customer, and a front desk, cannot write allergies', async () => {
  const before = await countRows(testApp.orm, 'select count(*) from allergy where customer_id = ?', [
    org.assigned.id,
  ]);
  const other = await execute(testApp, org.tokens.OTHER_THERAPIST, ADD_ALLERGY, {
    customerId: org.assigned.id,
    input: { substance: '花粉', category: 'ENVIRONMENT' },
  });
  expect(other.errors![0].extensions!.code).toBe('FORBIDDEN');
  const frontDesk = await execute(testApp, org.tokens.FRONT_DESK, ADD_ALLERGY, {
    customerId: org.assigned.id,
    input: { substance: '花粉', category: 'ENVIRONMENT' },
  });
  expect(frontDesk.errors![0].extensions!.code).toBe('FORBIDDEN');
  expect(
    await countRows(testApp.orm, 'select count(*) from allergy where customer_id = ?', [org.assigned.id]),
  ).toBe(before);
});

test('a therapist may not write the medical history (CLINICAL section)', async () => {
  const result = await execute(
    testApp,
    org.tokens.THERAPIST,
    `mutation { addMedicalCondition(customerId: "${org.assigned.id}", input: { condition: "糖尿病" }) { id } }`,
  );
  expect(result.errors![0].extensions!.code).toBe('FORBIDDEN');
});

test('missing required fields and a reversed date range are BAD_USER_INPUT and write nothing', async () => {
  const missing = await execute(testApp, org.tokens.MANAGER, ADD_ALLERGY, {
    customerId: org.assigned.id,
    input: { substance: '花粉' },
  });
  expect(missing.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'category' });
  const reversed = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation { addSpecialCondition(customerId: "${org.assigned.id}", input: { kind: POST_SURGERY, startsOn: "2026-05-01", endsOn: "2026-04-01" }) { id } }`,
  );
  expect(reversed.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsOn' });
  expect(
    await countRows(testApp.orm, `select count(*) from special_condition where kind = 'POST_SURGERY'`),
  ).toBe(0);
});

test('consultant updates the profile with optimistic locking; a stale version is CONFLICT', async () => {
  const update = (version: number, goals: string[]) =>
    execute(
      testApp,
      org.tokens.CONSULTANT,
      `mutation($goals: [String!]) { updateHealthProfile(customerId: "${org.assigned.id}", expectedVersion: ${version}, input: { wellnessGoals: $goals, constitution: YANG_DEFICIENCY }) { version wellnessGoals constitution } }`,
      { goals },
    );
  const current = (
    await execute(
      testApp,
      org.tokens.CONSULTANT,
      `{ customer(id: "${org.assigned.id}") { healthProfile { version } } }`,
    )
  ).data!.customer.healthProfile.version;
  const first = await update(current, ['改善睡眠']);
  expect(first.data!.updateHealthProfile).toEqual({
    version: current + 1,
    wellnessGoals: ['改善睡眠'],
    constitution: 'YANG_DEFICIENCY',
  });
  const stale = await update(current, ['减重塑形']);
  expect(stale.errors![0].extensions).toMatchObject({ code: 'CONFLICT', currentVersion: current + 1 });
});

test('update and remove an allergy; the removal is audited', async () => {
  const added = (
    await execute(testApp, org.tokens.MANAGER, ADD_ALLERGY, {
      customerId: org.assigned.id,
      input: { substance: '酒精', category: 'COSMETIC' },
    })
  ).data!.addAllergy;
  const updated = await execute(
    testApp,
    org.tokens.CONSULTANT,
    `mutation { updateAllergy(id: "${added.id}", input: { verificationStatus: CONFIRMED, severity: SEVERE }) { verificationStatus severity } }`,
  );
  expect(updated.data!.updateAllergy).toEqual({ verificationStatus: 'CONFIRMED', severity: 'SEVERE' });
  const removed = await execute(testApp, org.tokens.MANAGER, `mutation { removeAllergy(id: "${added.id}") }`);
  expect(removed.data!.removeAllergy).toBe(added.id);
  expect(await countRows(testApp.orm, 'select count(*) from allergy where id = ?', [added.id])).toBe(0);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where entity_id = ? and action = 'DELETE'`,
      [added.id],
    ),
  ).toBe(1);
});

test('a customer without a health profile row (brought in by a tool) gets one on the first update, not a server error', async () => {
  const customer = await createCustomer(testApp, org, '无档客户');
  const update = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($id: ID!) { updateHealthProfile(customerId: $id, input: { notes: "首次建档" }) { id notes version } }`,
    { id: customer.id },
  );
  expect(update.errors).toBeUndefined();
  expect(update.data!.updateHealthProfile.notes).toBe('首次建档');
  const read = await execute(
    testApp,
    org.tokens.MANAGER,
    `query($id: ID!) { customer(id: $id) { healthProfile { notes } } }`,
    { id: customer.id },
  );
  expect(read.data!.customer.healthProfile.notes).toBe('首次建档');
});
