import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const PROFILE = `query($id: ID!) { customer(id: $id) { id name hasHealthAlerts
  healthConsent { status withdrawnAt }
  healthProfile { constitution allergies { substance } }
  ...Safety } }
  fragment Safety on Customer { alias: healthProfile { specialConditions { kind } } }`;

test('withdrawing health consent hides the profile from every role but OWNER, is audited, and stops writes', async () => {
  const before = await execute(testApp, org.tokens.MANAGER, PROFILE, { id: org.assigned.id });
  expect(before.data!.customer.healthProfile.allergies).toEqual([{ substance: '薰衣草精油' }]);

  const withdrawn = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation { withdrawHealthConsent(input: { customerId: "${org.assigned.id}", source: "客户电话要求" }) {
      healthConsent { status } } }`,
  );
  expect(withdrawn.data!.withdrawHealthConsent.healthConsent.status).toBe('WITHDRAWN');
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where customer_id = ? and 'healthConsent.withdrawn:客户电话要求' = any(fields)`,
      [org.assigned.id],
    ),
  ).toBe(1);

  // MANAGER, the assigned CONSULTANT and the assigned THERAPIST all lose it, also through an alias.
  for (const role of ['MANAGER', 'CONSULTANT', 'THERAPIST'] as const) {
    const result = await execute(testApp, org.tokens[role], PROFILE, { id: org.assigned.id });
    expect(result.data!.customer).toMatchObject({ name: '张三', healthProfile: null, alias: null });
    expect(result.errors!.every((error) => error.extensions!.code === 'FORBIDDEN')).toBe(true);
  }
  const owner = await execute(testApp, org.tokens.OWNER, PROFILE, { id: org.assigned.id });
  expect(owner.errors).toBeUndefined();
  expect(owner.data!.customer.healthProfile.allergies).toEqual([{ substance: '薰衣草精油' }]);

  // Nothing more is written, not even by the owner, until consent is given again.
  const write = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { addMedicalCondition(customerId: "${org.assigned.id}", input: { condition: "哮喘" }) { id } }`,
  );
  expect(write.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    rule: 'HEALTH_CONSENT_WITHDRAWN',
  });
  expect(write.errors![0].message).toContain('giveHealthConsent');
  expect(
    await countRows(testApp.orm, `select count(*) from medical_condition where condition = '哮喘'`),
  ).toBe(0);

  const again = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation { giveHealthConsent(input: { customerId: "${org.assigned.id}", source: "重新签署同意书" }) {
      healthConsent { status withdrawnAt } } }`,
  );
  expect(again.data!.giveHealthConsent.healthConsent).toEqual({ status: 'GIVEN', withdrawnAt: null });
  const restored = await execute(testApp, org.tokens.MANAGER, PROFILE, { id: org.assigned.id });
  expect(restored.errors).toBeUndefined();
});

test('a customer under 14 needs a guardian’s consent; marketing sees no consent status', async () => {
  const created = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation { createCustomer(input: { name: "小明", birthday: "2018-06-01" }) { id } }`,
  );
  const id = created.data!.createCustomer.id;
  const give = (guardian?: string) =>
    execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($input: GiveHealthConsentInput!) { giveHealthConsent(input: $input) { healthConsent { status guardian } } }`,
      { input: { customerId: id, source: '健康档案知情同意书', ...(guardian ? { guardian } : {}) } },
    );
  const alone = await give();
  expect(alone.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'guardian' });
  expect(alone.errors![0].message).toContain('PIPL art. 31');
  const withGuardian = await give('母亲 王丽');
  expect(withGuardian.data!.giveHealthConsent.healthConsent).toEqual({
    status: 'GIVEN',
    guardian: '母亲 王丽',
  });
  const allergy = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation { addAllergy(customerId: "${id}", input: { substance: "花生", category: FOOD }) { substance } }`,
  );
  expect(allergy.errors).toBeUndefined();

  const marketing = await execute(
    testApp,
    org.tokens.MARKETING,
    `{ customer(id: "${id}") { name healthConsent { status } } }`,
  );
  expect(marketing.data!.customer).toEqual({ name: '小明', healthConsent: null });
  expect(marketing.errors![0].extensions!.code).toBe('FORBIDDEN');
});
