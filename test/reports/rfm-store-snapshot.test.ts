import { todayIn } from '../../src/core/time';
import { addDays } from '../../src/services/reports/period';
import type { ReportScope } from '../../src/services/reports/report-scope';
import { rfmReport } from '../../src/services/reports/rfm';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { recordSettledVisit, createCustomer } from '../support/visit-fixtures';

/**
 * A store's RFM is read from its own snapshot (customer_store_rfm), written with the organization's by
 * the nightly refresh: scored live for each request it took seconds at 1,000,000 visits.
 */
let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
const ids: Record<string, string> = {};

const ZONE = 'Asia/Shanghai';
const daysAgo = (days: number) => new Date(`${addDays(todayIn(ZONE), -days)}T12:00:00+08:00`);

const STORE_RFM = `query($storeId: ID!) {
  rfmReport(storeId: $storeId, first: 100) {
    asOf computedAt customersScored customersWithoutVisits segments { key count }
    customers { totalCount edges { node { id recencyDays frequency monetary { minorUnits }
      recencyScore frequencyScore monetaryScore segment } } } } }`;

async function settledVisit(customerId: string, at: Date, lines: number) {
  await recordSettledVisit(testApp, org, menu, { customerId, at, lines, pricePerLine: 19_800 });
}

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  for (const letter of 'ABCDEFG') ids[letter] = (await createCustomer(testApp, org, `门店客户${letter}`)).id;
  const plan: [string, number, number][] = [
    ['A', 2, 1],
    ['A', 40, 2],
    ['B', 5, 4],
    ['C', 20, 1],
    ['D', 90, 3],
    ['D', 100, 3],
    ['E', 200, 1],
    ['F', 300, 5],
  ];
  for (const [letter, days, lines] of plan) await settledVisit(ids[letter], daysAgo(days), lines);
});
afterAll(() => testApp.close());

const storeReport = async () => {
  const result = await execute(testApp, org.tokens.MANAGER, STORE_RFM, { storeId: org.storeId });
  expect(result.errors).toBeUndefined();
  const { computedAt, ...report } = result.data!.rfmReport;
  return { computedAt, report };
};

/** The store scored now from the source, in the report's shape. */
async function liveStore() {
  const scope = { organizationId: org.organizationId, storeId: org.storeId, timeZone: ZONE } as ReportScope;
  const live = await rfmReport(testApp.orm.em.fork(), scope, { first: 100, fresh: true });
  expect(live.computedAt).toBeNull();
  return {
    asOf: live.asOf,
    customersScored: live.customersScored,
    customersWithoutVisits: live.customersWithoutVisits,
    segments: live.segments.map(({ key, count }) => ({ key, count })),
    customers: {
      totalCount: await live.customers.totalCount,
      edges: live.customers.edges.map(({ node }) => ({
        node: {
          id: node.id,
          recencyDays: node.recencyDays,
          frequency: node.frequency,
          monetary: { minorUnits: node.monetary },
          recencyScore: node.recencyScore,
          frequencyScore: node.frequencyScore,
          monetaryScore: node.monetaryScore,
          segment: node.segment,
        },
      })),
    },
  };
}

test("a store's RFM is its snapshot, equal to the store scored from the source, until the next refresh", async () => {
  const first = await storeReport();
  // No snapshot yet: the first report computed the organization's and its stores' at once.
  expect(first.computedAt).toEqual(expect.any(String));
  expect(first.report.customersScored).toBe(6);
  expect(first.report).toEqual(await liveStore());
  expect(
    await countRows(
      testApp.orm,
      'select count(*) as count from customer_store_rfm where organization_id = ? and store_id = ?',
      [org.organizationId, org.storeId],
    ),
  ).toBe(6);

  // A customer scored for the first time: the live scoring sees them, the snapshot not until refreshed.
  await settledVisit(ids.G, daysAgo(1), 2);
  expect((await liveStore()).customersScored).toBe(7);
  const stale = await storeReport();
  expect(stale).toEqual(first);

  // An archived customer leaves the store's snapshot at once.
  await testApp.asOwner('update customer set archived_at = now() where id = $1', [ids.B]);
  const afterArchive = await storeReport();
  expect(afterArchive.report.customersScored).toBe(5);
  expect(afterArchive.report.customers.edges.map(({ node }: any) => node.id)).not.toContain(ids.B);

  // MARKETING reads the store's snapshot too (its list without who opted out; the scores still count them).
  await testApp.asOwner('update customer set do_not_contact = true where id = $1', [ids.A]);
  const marketing = await execute(
    testApp,
    org.tokens.MARKETING,
    `query($storeId: ID!) { rfmReport(storeId: $storeId, first: 100) { computedAt customersScored
      customers { totalCount edges { node { id segment } } } } }`,
    { storeId: org.storeId },
  );
  expect(marketing.errors).toBeUndefined();
  const seen = marketing.data!.rfmReport;
  expect(seen.computedAt).toBe(afterArchive.computedAt);
  expect(seen.customersScored).toBe(5);
  expect(seen.customers.totalCount).toBe(4);
  expect(seen.customers.edges.map(({ node }: any) => node.id)).not.toContain(ids.A);
});
