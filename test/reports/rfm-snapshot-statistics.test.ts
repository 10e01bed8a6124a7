import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer, recordSettledVisit } from '../support/visit-fixtures';

/**
 * The first refresh of an organization fills snapshot tables that were analyzed empty: planned on
 * those statistics, a store's RFM page sorted every row of the store (0.75 s at 100,000 customers
 * against 3 ms). The refresh analyzes them when it wrote more rows than they were thought to hold.
 */
const CUSTOMERS = 130;

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  for (let batch = 0; batch < CUSTOMERS; batch += 10) {
    await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const customer = await createCustomer(testApp, org, `统计客户${batch + index}`);
        await recordSettledVisit(testApp, org, menu, {
          customerId: customer.id,
          lines: 1,
          pricePerLine: 19_800,
        });
      }),
    );
  }
});
afterAll(() => testApp.close());

/** What the planner believes a table holds (-1: never analyzed). */
const plannerRows = (table: string) =>
  countRows(testApp.orm, `select reltuples::bigint as count from pg_class where oid = ?::regclass`, [table]);

test("the first refresh, asked for by the API as the runtime role, leaves the tables' statistics counting its rows", async () => {
  expect(await plannerRows('customer_rfm')).toBeLessThan(CUSTOMERS);
  const result = await execute(testApp, org.tokens.OWNER, `{ rfmReport(first: 1) { customersScored } }`);
  expect(result.errors).toBeUndefined();
  expect(result.data!.rfmReport.customersScored).toBe(CUSTOMERS);
  expect(await plannerRows('customer_rfm')).toBe(CUSTOMERS);
  expect(await plannerRows('customer_store_rfm')).toBe(CUSTOMERS);
});

test('a refresh that wrote no more than the statistics already say is not followed by an analyze', async () => {
  const analyze = (written: number) =>
    testApp.orm.em
      .getConnection()
      .execute<{ analyzed: boolean }[]>(`select rfm_snapshot_analyze(?) as analyzed`, [written]);
  // A nightly refresh of a grown organization rewrites about what the statistics hold: no ANALYZE.
  expect(await analyze(CUSTOMERS)).toEqual([{ analyzed: false }]);
  expect(await analyze(250)).toEqual([{ analyzed: false }]);
  expect(await analyze(300)).toEqual([{ analyzed: true }]);
});

test('a refresh whose ANALYZE fails still answers with the snapshot it committed', async () => {
  const second = await createOrganization(testApp, '二号店');
  const secondMenu = await createCatalogue(testApp, second);
  const customer = await createCustomer(testApp, second, '统计客户乙');
  await recordSettledVisit(testApp, second, secondMenu, {
    customerId: customer.id,
    lines: 1,
    pricePerLine: 19_800,
  });
  await testApp.asOwner(`revoke execute on function rfm_snapshot_analyze(bigint) from wellness_runtime`);
  try {
    const result = await execute(testApp, second.tokens.OWNER, `{ rfmReport(first: 1) { customersScored } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data!.rfmReport.customersScored).toBe(1);
  } finally {
    await testApp.asOwner(`grant execute on function rfm_snapshot_analyze(bigint) to wellness_runtime`);
  }
});
