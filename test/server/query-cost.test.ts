import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

/** The front desk's list page of the read-path issue: documented up to first: 100. */
const listPage = (
  first: string,
) => `query ListPage${first === '$first' ? '($first: Int)' : ''} { customers(first: ${first}) { totalCount edges { node {
    id code name phone status hasHealthAlerts
    healthProfile { constitution notes allergies { substance severity } medicalHistory { condition } }
    accounts { kind balance { amount } }
    visits(first: 5) { edges { node { visitedAt satisfaction feedback
      lines { service { name } therapist { displayName } } } } } } } } }`;

test.each(['20', '50', '100', '$first'])(
  'the documented list page is accepted at first: %s',
  async (first) => {
    const result = await execute(testApp, org.tokens.MANAGER, listPage(first), { first: 100 });
    expect(result.errors).toBeUndefined();
    expect(result.data!.customers.edges.length).toBe(result.data!.customers.totalCount);
  },
);

test('an abusive nesting of pages is refused before it runs, with its cost', async () => {
  const abusive = `{ customers(first: 100) { edges { node {
      visits(first: 100) { edges { node { lines { service { name } therapist { displayName } } } } } } } } }`;
  const result = await execute(testApp, org.tokens.MANAGER, abusive);
  expect(result.data).toBeUndefined();
  expect(result.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', maxCost: 25_000 });
  expect(result.errors![0].extensions!.cost).toBeGreaterThan(25_000);
});

test('a page size passed as a variable counts like a literal one (it was free under the old rule)', async () => {
  const query = `query($n: Int) { customers(first: 100) { edges { node {
      visits(first: $n) { edges { node { lines { service { name } therapist { displayName } } } } } } } } }`;
  const small = await execute(testApp, org.tokens.MANAGER, query, { n: 2 });
  expect(small.errors).toBeUndefined();
  const large = await execute(testApp, org.tokens.MANAGER, query, { n: 100 });
  expect(large.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
});

/** The RFM report's documented page: first: 100 customers with every field (it cost 40,201). */
const rfmPage = (first: number) => `{ rfmReport(first: ${first}) { asOf windowFrom timeZone customersScored
  customersWithoutVisits segments { key label count } customers { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id name lastVisitOn recencyDays frequency monetary { amount minorUnits currency }
      recencyScore frequencyScore monetaryScore segment segmentLabel } } } } }`;

test('a report whose first pages the connection inside it counts that page once: the RFM page of 100 fits', async () => {
  const page = await execute(testApp, org.tokens.MANAGER, rfmPage(100));
  expect(page.errors).toBeUndefined();
  expect(page.data!.rfmReport.customers.edges).toEqual(expect.any(Array));
  // Still proportional to first: a page far past the documented one is refused by its cost.
  const huge = await execute(testApp, org.tokens.MANAGER, rfmPage(10_000));
  expect(huge.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', maxCost: 25_000 });
});
