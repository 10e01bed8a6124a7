import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer, createProduct } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
});
afterAll(() => testApp.close());

const lowStock = (token: string, fields = 'quantity threshold product { name unit }') =>
  execute(testApp, token, `{ lowStock(storeId: "${org.storeId}") { ${fields} } }`);

test('low stock is queryable, and a visit that uses stock brings a product onto the list', async () => {
  // Threshold 2 (see createProduct): 3 in stock is fine, 1 is low.
  const oil = await createProduct(testApp, org, '檀香精油', 3);
  await createProduct(testApp, org, '洋甘菊精油', 1);
  const before = await lowStock(org.tokens.FRONT_DESK);
  expect(before.errors).toBeUndefined();
  expect(before.data!.lowStock).toEqual([
    { quantity: 1, threshold: 2, product: { name: '洋甘菊精油', unit: 'ml' } },
  ]);

  const customer = await createCustomer(testApp, org, '钱多');
  const visit = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId: customer.id,
        storeId: org.storeId,
        lines: [
          {
            serviceId: menu.massage.id,
            therapistId: org.users.THERAPIST.id,
            products: [{ productId: oil.id, quantity: 1 }],
          },
        ],
      },
    },
  );
  expect(visit.errors).toBeUndefined();
  const after = await lowStock(org.tokens.FRONT_DESK, 'quantity product { name }');
  // By name, in the database's collation.
  expect(after.data!.lowStock).toEqual([
    { quantity: 2, product: { name: '檀香精油' } },
    { quantity: 1, product: { name: '洋甘菊精油' } },
  ]);
});

test('product cost is for OWNER and MANAGER only, also through aliases and fragments; therapists see no price', async () => {
  const query = `{ lowStock(storeId: "${org.storeId}") { product { name cost { amount } c: cost { minorUnits } ...Cost price { amount } } } }
    fragment Cost on Product { cost { currency } }`;
  for (const role of ['OWNER', 'MANAGER'] as const) {
    const result = await execute(testApp, org.tokens[role], query);
    expect(result.errors).toBeUndefined();
    expect(result.data!.lowStock[0].product).toMatchObject({
      cost: { amount: '5.00', currency: 'CNY' },
      c: { minorUnits: 500 },
      price: { amount: '12.00' },
    });
  }
  for (const role of ['CONSULTANT', 'FRONT_DESK', 'THERAPIST'] as const) {
    const result = await execute(testApp, org.tokens[role], query);
    const product = result.data!.lowStock[0].product;
    expect([role, product.cost, product.c, product.name]).toEqual([role, null, null, '檀香精油']);
    const denied = result.errors!.map((error) => error.path!.at(-1));
    expect(denied).toEqual(expect.arrayContaining(['cost', 'c']));
    if (role === 'THERAPIST') expect(denied).toContain('price');
    else expect(product.price).toEqual({ amount: '12.00' });
  }
  for (const role of ['MARKETING', 'AUDITOR'] as const) {
    const result = await execute(testApp, org.tokens[role], query);
    expect(result.errors![0].extensions!.code).toBe('FORBIDDEN');
  }
});
