import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
let integrationKey: string;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  const key = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createApiKey(input: { name: "收银系统" }) { secret } }`,
  );
  integrationKey = key.data!.createApiKey.secret;
});
afterAll(() => testApp.close());

const PERIOD = `period: { from: "2026-11-01", to: "2026-11-30", grain: WEEK }`;
/** Each report with a selection of its fields, and whether it is a customer report (MARKETING reads it). */
const REPORTS: [field: string, query: string, customerReport: boolean][] = [
  [
    'customerGrowthReport',
    `{ customerGrowthReport(${PERIOD}, groupBy: SOURCE) { total series { count } groups { key } } }`,
    true,
  ],
  [
    'customerCompositionReport',
    `{ customerCompositionReport(${PERIOD}) { total byGender { key count } newVisitors } }`,
    true,
  ],
  ['customerActivityReport', `{ customerActivityReport { total lost churnRate } }`, true],
  [
    'revenueReport',
    `{ revenueReport(${PERIOD}) { total { cashReceived { minorUnits } servicesConsumed { minorUnits } } } }`,
    false,
  ],
  ['serviceRanking', `{ serviceRanking(${PERIOD}) { name count revenue { minorUnits } } }`, false],
  ['liabilitiesReport', `{ liabilitiesReport { storedValuePrincipal { minorUnits } unusedPunches } }`, false],
];

const ROLES = [
  'OWNER',
  'MANAGER',
  'MARKETING',
  'FRONT_DESK',
  'THERAPIST',
  'CONSULTANT',
  'AUDITOR',
  'INTEGRATION',
] as const;

test.each(ROLES)(
  '%s reads exactly the reports its role may; the others are FORBIDDEN with null',
  async (role) => {
    const token = role === 'INTEGRATION' ? integrationKey : org.tokens[role];
    for (const [field, query, customerReport] of REPORTS) {
      const allowed = role === 'OWNER' || role === 'MANAGER' || (role === 'MARKETING' && customerReport);
      const result = await execute(testApp, token, query);
      if (allowed) {
        expect([field, result.errors]).toEqual([field, undefined]);
        expect(result.data![field]).not.toBeNull();
      } else {
        expect([field, result.errors?.[0].extensions?.code, result.errors?.[0].path]).toEqual([
          field,
          'FORBIDDEN',
          [field],
        ]);
        expect(result.data?.[field] ?? null).toBeNull();
      }
    }
  },
);

test('without credentials every report is UNAUTHENTICATED', async () => {
  for (const [field, query] of REPORTS) {
    const result = await execute(testApp, undefined, query);
    expect([field, result.errors?.[0].extensions?.code]).toEqual([field, 'UNAUTHENTICATED']);
  }
});
