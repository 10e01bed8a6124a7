import { todayIn } from '../../src/core/time';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer, createProduct } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
let oilId: string;
let maskId: string;

const today = () => todayIn('Asia/Shanghai');
const RANKING = `query($period: ReportPeriodInput!, $first: Int) { productRanking(period: $period, first: $first) {
  productId name unit uses quantity value { minorUnits currency } } }`;

async function visitUsing(customerId: string, products: { productId: string; quantity: number }[][]) {
  const result = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId,
        storeId: org.storeId,
        lines: products.map((uses) => ({
          serviceId: menu.spa.id,
          therapistId: org.users.THERAPIST.id,
          products: uses,
        })),
      },
    },
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
}

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  oilId = (await createProduct(testApp, org, '薰衣草精油', 100)).id;
  maskId = (await createProduct(testApp, org, '补水面膜', 100)).id;
  const customer = await createCustomer(testApp, org, '产品客户');
  // 精油 5 ml and 3 ml on two lines, then 4 ml with a mask; the mask once more, 2 片.
  await visitUsing(customer.id, [[{ productId: oilId, quantity: 5 }], [{ productId: oilId, quantity: 3 }]]);
  await visitUsing(customer.id, [
    [
      { productId: oilId, quantity: 4 },
      { productId: maskId, quantity: 1 },
    ],
  ]);
  await visitUsing(customer.id, [[{ productId: maskId, quantity: 2 }]]);
});
afterAll(() => testApp.close());

test('product ranking: uses, units and their value at 售价, most units first; units equal the stock used', async () => {
  const result = await execute(testApp, org.tokens.OWNER, RANKING, {
    period: { from: today(), to: today() },
  });
  expect(result.errors).toBeUndefined();
  // createProduct sells at ¥12.00 a unit.
  expect(result.data!.productRanking).toEqual([
    {
      productId: oilId,
      name: '薰衣草精油',
      unit: 'ml',
      uses: 3,
      quantity: 12,
      value: { minorUnits: 14_400, currency: 'CNY' },
    },
    {
      productId: maskId,
      name: '补水面膜',
      unit: 'ml',
      uses: 2,
      quantity: 3,
      value: { minorUnits: 3_600, currency: 'CNY' },
    },
  ]);
  const used = await countRows(
    testApp.orm,
    `select -coalesce(sum(delta), 0) as count from stock_movement where organization_id = ? and reason = 'VISIT_USE'`,
    [org.organizationId],
  );
  expect(used).toBe(15);
  const custom = await execute(
    testApp,
    org.tokens.MANAGER,
    `query($period: ReportPeriodInput!) { runCustomReport(period: $period,
      definition: { measures: ["productUses", "productQuantity", "productValue"], dimensions: ["product"] }) {
      rows { cells { key count money { minorUnits } } } } }`,
    { period: { from: today(), to: today() } },
  );
  expect(custom.errors).toBeUndefined();
  expect(
    custom.data!.runCustomReport.rows.map(
      (row: { cells: { key?: string; count?: number; money?: { minorUnits: number } }[] }) =>
        row.cells.map((cell) => cell.key ?? cell.count ?? cell.money?.minorUnits),
    ),
  ).toEqual(
    [
      [oilId, 3, 12, 14_400],
      [maskId, 2, 3, 3_600],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
  const one = await execute(testApp, org.tokens.OWNER, RANKING, {
    period: { from: today(), to: today() },
    first: 1,
  });
  expect(one.data!.productRanking).toHaveLength(1);
  const tooMany = await execute(testApp, org.tokens.OWNER, RANKING, {
    period: { from: today(), to: today() },
    first: 101,
  });
  expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
});

test('product ranking is read by OWNER and MANAGER only (it carries money)', async () => {
  for (const role of ['MARKETING', 'FRONT_DESK', 'THERAPIST', 'CONSULTANT', 'AUDITOR'] as const) {
    const result = await execute(testApp, org.tokens[role], RANKING, {
      period: { from: today(), to: today() },
    });
    expect([role, result.errors?.[0].extensions?.code, result.errors?.[0].path]).toEqual([
      role,
      'FORBIDDEN',
      ['productRanking'],
    ]);
  }
  const manager = await execute(testApp, org.tokens.MANAGER, RANKING, {
    period: { from: today(), to: today() },
  });
  expect(manager.errors).toBeUndefined();
});
