import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createProduct } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;
let integrationKey: string;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家美容院');
  const key = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createApiKey(input: { name: "收银系统" }) { secret } }`,
  );
  integrationKey = key.data!.createApiKey.secret;
});
afterAll(() => testApp.close());

type Role = keyof OrganizationFixture['tokens'] | 'INTEGRATION';
const tokenOf = (role: Role) => (role === 'INTEGRATION' ? integrationKey : org.tokens[role]);
const as = (role: Role, query: string, variables?: Record<string, unknown>) =>
  execute(testApp, tokenOf(role), query, variables);
const stockOf = async (productId: string) =>
  countRows(
    testApp.orm,
    `select coalesce(sum(quantity), 0) as count from product_stock where product_id = ?`,
    [productId],
  );
const movementSum = (productId: string) =>
  countRows(testApp.orm, `select coalesce(sum(delta), 0) as count from stock_movement where product_id = ?`, [
    productId,
  ]);

const CREATE = `mutation($input: ProductInput!) { createProduct(input: $input) {
  id code name brand spec unit version lowStockThreshold active price { amount } cost { amount } } }`;
const RECEIVE = `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { quantity threshold store { id } product { name } } }`;
const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { quantity } }`;

describe('products', () => {
  test('a manager adds a product; cost only for OWNER and MANAGER, price hidden from therapists, also through aliases, fragments and nested paths', async () => {
    const created = await as('MANAGER', CREATE, {
      input: {
        code: 'OIL-LAV-100',
        name: '薰衣草精油',
        brand: '芳疗坊',
        spec: '100ml/瓶',
        unit: 'ml',
        costMinorUnits: 8_000,
        priceMinorUnits: 16_800,
        lowStockThreshold: 200,
      },
    });
    expect(created.errors).toBeUndefined();
    const product = created.data!.createProduct;
    expect(product).toMatchObject({
      unit: 'ml',
      active: true,
      price: { amount: '168.00' },
      cost: { amount: '80.00' },
    });
    await as('MANAGER', RECEIVE, { input: { storeId: org.storeId, productId: product.id, quantity: 500 } });

    const query = `query($id: ID!) {
      product(id: $id) { name cost { amount } c: cost { minorUnits } ...Money price { amount } stocks { quantity product { cost { amount } } } }
      products(filter: { search: "薰衣草" }) { edges { node { cost { amount } } } }
    }
    fragment Money on Product { cost { currency } }`;
    for (const role of ['OWNER', 'MANAGER'] as const) {
      const result = await as(role, query, { id: product.id });
      expect(result.errors).toBeUndefined();
      expect(result.data!.product).toMatchObject({
        cost: { amount: '80.00', currency: 'CNY' },
        c: { minorUnits: 8_000 },
      });
      expect(result.data!.product.stocks[0].product.cost.amount).toBe('80.00');
    }
    for (const role of ['CONSULTANT', 'FRONT_DESK', 'THERAPIST', 'INTEGRATION'] as const) {
      const result = await as(role, query, { id: product.id });
      const read = result.data!.product;
      expect([
        role,
        read.name,
        read.cost,
        read.c,
        read.stocks[0].quantity,
        read.stocks[0].product.cost,
      ]).toEqual([role, '薰衣草精油', null, null, 500, null]);
      expect(result.data!.products.edges[0].node.cost).toBeNull();
      const denied = result.errors!.map((error) => error.path!.join('.'));
      expect(denied).toEqual(
        expect.arrayContaining([
          'product.cost',
          'product.c',
          'product.stocks.0.product.cost',
          'products.edges.0.node.cost',
        ]),
      );
      if (role === 'THERAPIST') expect(read.price).toBeNull();
      else expect(read.price).toEqual({ amount: '168.00' });
    }
    for (const role of ['MARKETING', 'AUDITOR'] as const) {
      const result = await as(role, query, { id: product.id });
      expect([role, result.errors![0].extensions!.code]).toEqual([role, 'FORBIDDEN']);
    }
  });

  test('products page by name with a stable cursor, filter by active and search name, brand or code', async () => {
    for (const name of ['玫瑰纯露', '洋甘菊面膜', '艾草足浴包', '生姜洗发水'])
      await createProduct(testApp, org, name, 0);
    const page = (after?: string) =>
      as(
        'FRONT_DESK',
        `query($after: String) { products(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`,
        { after },
      );
    const names: string[] = [];
    let after: string | undefined;
    for (;;) {
      const result = (await page(after)).data!.products;
      names.push(...result.edges.map((edge: { node: { name: string } }) => edge.node.name));
      expect(result.totalCount).toBe(5);
      if (!result.pageInfo.hasNextPage) break;
      after = result.pageInfo.endCursor;
    }
    expect(names).toHaveLength(5);
    expect([...names].sort()).toEqual(names);
    const byBrand = await as(
      'FRONT_DESK',
      `{ products(filter: { search: "芳疗" }) { edges { node { name } } } }`,
    );
    expect(byBrand.data!.products.edges).toEqual([{ node: { name: '薰衣草精油' } }]);
    const byCode = await as('FRONT_DESK', `{ products(filter: { search: "lav" }) { totalCount } }`);
    expect(byCode.data!.products.totalCount).toBe(1);
    const wildcard = await as('FRONT_DESK', `{ products(filter: { search: "%" }) { totalCount } }`);
    expect(wildcard.data!.products.totalCount).toBe(0);
  });

  test('update checks the version and clears with null; retired products leave the active list; bad input writes nothing', async () => {
    const product = await createProduct(testApp, org, '檀香皂', 3);
    const update = `mutation($id: ID!, $version: Int!, $input: ProductInput!) {
      updateProduct(id: $id, expectedVersion: $version, input: $input) { name brand version price { minorUnits } } }`;
    const updated = await as('OWNER', update, {
      id: product.id,
      version: 1,
      input: { brand: '老字号', priceMinorUnits: 1_500 },
    });
    expect(updated.data!.updateProduct).toEqual({
      name: '檀香皂',
      brand: '老字号',
      version: 2,
      price: { minorUnits: 1_500 },
    });
    const stale = await as('OWNER', update, { id: product.id, version: 1, input: { brand: null } });
    expect(stale.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_VERSION' });
    const cleared = await as('OWNER', update, { id: product.id, version: 2, input: { brand: null } });
    expect(cleared.data!.updateProduct.brand).toBeNull();
    const negative = await as('OWNER', update, { id: product.id, version: 3, input: { costMinorUnits: -5 } });
    expect(negative.errors![0].extensions!.fields).toEqual([
      expect.objectContaining({ field: 'costMinorUnits' }),
    ]);
    const duplicate = await as('OWNER', CREATE, {
      input: { code: product.code, name: '重复', unit: '个', costMinorUnits: 1, priceMinorUnits: 2 },
    });
    expect(duplicate.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'DUPLICATE_CODE' });
    expect(await countRows(testApp.orm, `select count(*) from product where name = '重复'`)).toBe(0);

    await as('OWNER', `mutation($id: ID!) { setProductActive(id: $id, active: false) { active } }`, {
      id: product.id,
    });
    const active = await as(
      'FRONT_DESK',
      `{ products(filter: { active: true, search: "檀香" }) { totalCount } }`,
    );
    expect(active.data!.products.totalCount).toBe(0);
    const receipt = await as('FRONT_DESK', RECEIVE, {
      input: { storeId: org.storeId, productId: product.id, quantity: 1 },
    });
    expect(receipt.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'productId' });
    // Two updates and the retirement; the refused changes left none.
    expect(await audits(product.id)).toBe(3);
  });
});

const audits = (id: string) =>
  countRows(testApp.orm, `select count(*) from audit_event where entity_id = ?`, [id]);

describe('stock', () => {
  test('the front desk receives stock; adjustments need a manager and a note; every movement is listed newest first', async () => {
    const product = await createProduct(testApp, org, '艾绒', 0);
    const receipt = await as('FRONT_DESK', RECEIVE, {
      input: { storeId: org.storeId, productId: product.id, quantity: 20, note: '供应商送货单 No.1024' },
    });
    expect(receipt.errors).toBeUndefined();
    expect(receipt.data!.receiveStock).toEqual({
      quantity: 20,
      threshold: 2,
      store: { id: org.storeId },
      product: { name: '艾绒' },
    });

    const frontDeskAdjust = await as('FRONT_DESK', ADJUST, {
      input: { storeId: org.storeId, productId: product.id, delta: -1, note: '破损' },
    });
    expect(frontDeskAdjust.errors![0].extensions!.code).toBe('FORBIDDEN');
    const noNote = await as('MANAGER', ADJUST, {
      input: { storeId: org.storeId, productId: product.id, delta: -1, note: ' ' },
    });
    expect(noNote.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    const zero = await as('MANAGER', ADJUST, {
      input: { storeId: org.storeId, productId: product.id, delta: 0, note: '无' },
    });
    expect(zero.errors![0].extensions!.fields).toEqual([expect.objectContaining({ field: 'delta' })]);
    const adjusted = await as('MANAGER', ADJUST, {
      input: { storeId: org.storeId, productId: product.id, delta: -3, note: '盘亏' },
    });
    expect(adjusted.data!.adjustStock.quantity).toBe(17);

    const history = await as(
      'MANAGER',
      `query($store: ID!, $product: ID!) { stockMovements(storeId: $store, filter: { productId: $product }) {
        totalCount edges { node { delta reason note recordedBy { displayName } product { name } } } } }`,
      { store: org.storeId, product: product.id },
    );
    expect(history.errors).toBeUndefined();
    expect(history.data!.stockMovements.totalCount).toBe(2);
    expect(history.data!.stockMovements.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      {
        delta: -3,
        reason: 'ADJUSTMENT',
        note: '盘亏',
        recordedBy: { displayName: 'MANAGER' },
        product: { name: '艾绒' },
      },
      {
        delta: 20,
        reason: 'RECEIPT',
        note: '供应商送货单 No.1024',
        recordedBy: { displayName: 'FRONT_DESK' },
        product: { name: '艾绒' },
      },
    ]);
    expect(await stockOf(product.id)).toBe(await movementSum(product.id));
    const therapist = await as(
      'THERAPIST',
      `query($store: ID!) { stockMovements(storeId: $store) { totalCount } }`,
      { store: org.storeId },
    );
    expect(therapist.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  test('an adjustment below zero is refused with the available quantity, unless the store allows negative stock', async () => {
    const product = await createProduct(testApp, org, '刮痧油', 2);
    const below = await as('OWNER', ADJUST, {
      input: { storeId: org.storeId, productId: product.id, delta: -3, note: '盘亏' },
    });
    expect(below.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INSUFFICIENT_STOCK',
      field: 'delta',
      available: 2,
      requested: 3,
    });
    expect(await stockOf(product.id)).toBe(2);
    expect(await movementSum(product.id)).toBe(2);

    const allowNegative = (allow: boolean) =>
      as(
        'OWNER',
        `mutation($id: ID!, $allow: Boolean) { updateStore(id: $id, input: { allowNegativeStock: $allow }) {
        allowNegativeStock } }`,
        { id: org.storeId, allow },
      );
    expect((await allowNegative(true)).data!.updateStore.allowNegativeStock).toBe(true);
    const allowed = await as('OWNER', ADJUST, {
      input: { storeId: org.storeId, productId: product.id, delta: -3, note: '先用后补' },
    });
    expect(allowed.data!.adjustStock.quantity).toBe(-1);
    await allowNegative(false);
  });

  test('10 concurrent −1 adjustments on a stock of 5: five succeed, five fail, stock 0 and equal to its movements', async () => {
    const product = await createProduct(testApp, org, '一次性床单', 5);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        as('MANAGER', ADJUST, {
          input: { storeId: org.storeId, productId: product.id, delta: -1, note: '损耗' },
        }),
      ),
    );
    const failures = results.filter((result) => result.errors);
    expect(results.length - failures.length).toBe(5);
    expect(failures.map((result) => result.errors![0].extensions!.reason)).toEqual(
      Array(5).fill('INSUFFICIENT_STOCK'),
    );
    expect(await stockOf(product.id)).toBe(0);
    expect(await movementSum(product.id)).toBe(0);
  });

  test("a store's own threshold overrides the product's for low stock, and null restores it", async () => {
    const product = await createProduct(testApp, org, '足浴药包', 5);
    const set = (threshold: number | null) =>
      as(
        'MANAGER',
        `mutation($store: ID!, $product: ID!, $threshold: Int) {
        setStockThreshold(storeId: $store, productId: $product, threshold: $threshold) { threshold storeThreshold } }`,
        {
          store: org.storeId,
          product: product.id,
          threshold,
        },
      );
    const low = async () =>
      (
        await as('FRONT_DESK', `query($store: ID!) { lowStock(storeId: $store) { product { name } } }`, {
          store: org.storeId,
        })
      ).data!.lowStock.map((row: { product: { name: string } }) => row.product.name);
    expect(await low()).not.toContain('足浴药包');
    expect((await set(10)).data!.setStockThreshold).toEqual({ threshold: 10, storeThreshold: 10 });
    expect(await low()).toContain('足浴药包');
    expect((await set(null)).data!.setStockThreshold).toEqual({ threshold: 2, storeThreshold: null });
    expect(await low()).not.toContain('足浴药包');
    const negative = await set(-1);
    expect(negative.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'threshold' });
  });

  test("another organization's store or product is NOT_FOUND and nothing moves", async () => {
    const product = await createProduct(testApp, org, '本店专用', 1);
    const foreign = await execute(testApp, other.tokens.OWNER, RECEIVE, {
      input: { storeId: other.storeId, productId: product.id, quantity: 5 },
    });
    expect(foreign.errors![0].extensions!.code).toBe('NOT_FOUND');
    expect(await movementSum(product.id)).toBe(1);
  });
});

test('products with their stocks per store cost the same statements for 2 or 9 products, and so do staff movements', async () => {
  // Ten products, each received by a staff member, so both page sizes meet the same relations.
  for (let index = 0; index < 10; index++) {
    const product = await createProduct(testApp, org, `计数产品${index}`, 0);
    await as('FRONT_DESK', RECEIVE, { input: { storeId: org.storeId, productId: product.id, quantity: 1 } });
  }
  const count = async (query: string, first: number) => {
    testApp.statements.reset();
    const result = await as('OWNER', query, { first, store: org.storeId });
    expect(result.errors).toBeUndefined();
    return testApp.statements.count;
  };
  const products = `query($first: Int) { products(first: $first) { edges { node {
    name cost { amount } stocks { quantity threshold store { name } product { code } } } } } }`;
  expect(await count(products, 9)).toBe(await count(products, 2));
  const movements = `query($first: Int, $store: ID!) { stockMovements(storeId: $store, first: $first) { edges { node {
    delta product { name } recordedBy { displayName } } } } }`;
  expect(await count(movements, 9)).toBe(await count(movements, 2));
});
