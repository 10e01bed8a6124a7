import { Store } from '../../src/entities';
import { todayIn } from '../../src/core/time';
import { addDays } from '../../src/services/reports/period';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, newKey, sellCard } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;
let menu: CatalogueFixture;
let branchId: string;
let integrationKey: string;

const ZONE = 'Asia/Shanghai';
const today = () => todayIn(ZONE);
const period = (grain = 'MONTH') => ({ from: today(), to: today(), grain });

const RESULT = `period { from to grain } columns { key label kind type }
  rows { suppressed cells { key label count money { minorUnits currency } suppressed } }
  truncated rowLimit healthAggregate suppressedRows`;
const RUN = `query($definition: CustomReportDefinitionInput!, $period: ReportPeriodInput!) {
  runCustomReport(definition: $definition, period: $period) { ${RESULT} } }`;
const SAVE = `mutation($input: SaveCustomReportInput!) { saveCustomReport(input: $input) {
  id name description version definition { measures dimensions grain filters { dimension values } } } }`;
const UPDATE = `mutation($input: UpdateCustomReportInput!) { updateCustomReport(input: $input) { id name version } }`;
const SAVED = `query($id: ID!, $period: ReportPeriodInput!) { customReport(id: $id) { id name
  run(period: $period) { ${RESULT} } } }`;

type Cell = { key?: string; label?: string; count?: number | null; money?: { minorUnits: number } | null };
type Result = { columns: { key: string }[]; rows: { cells: Cell[] }[] };

/** The rows as plain values: a dimension's key, a count, money in 分. */
function table(result: Result) {
  return result.rows.map((row) =>
    row.cells.map((cell) => cell.key ?? cell.count ?? cell.money?.minorUnits ?? null),
  );
}

async function run(token: string, definition: Record<string, unknown>, grain = 'MONTH') {
  return execute(testApp, token, RUN, { definition, period: period(grain) });
}

async function visitWith(customerId: string, services: string[], therapistId = org.users.THERAPIST.id) {
  const result = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id lines { id } } }`,
    {
      input: {
        customerId,
        storeId: org.storeId,
        lines: services.map((serviceId) => ({ serviceId, therapistId })),
      },
    },
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.recordVisit as { id: string; lines: { id: string }[] };
}

async function settle(input: Record<string, unknown>) {
  const result = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: SettleVisitInput!) { settleVisit(input: $input) { settlement { due { minorUnits } } } }`,
    { input: { idempotencyKey: newKey('settle'), ...input } },
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
}

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家美容院');
  menu = await createCatalogue(testApp, org);
  const cards = await createCardProducts(testApp, org, menu);
  const em = testApp.orm.em.fork();
  branchId = em.create(Store, { organization: org.organizationId, name: '分店', code: 'B1' }).id;
  await em.flush();
  const key = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createApiKey(input: { name: "收银系统" }) { secret } }`,
  );
  integrationKey = key.data!.createApiKey.secret;

  // A: ¥1000 stored value at the main store; a massage paid ¥100 from it and ¥98 by WeChat Pay.
  const a = await createCustomer(testApp, org, '自定义甲');
  await sellCard(testApp, org.tokens.FRONT_DESK, a.id, cards.topUp.id, { storeId: org.storeId });
  const aVisit = await visitWith(a.id, [menu.massage.id]);
  await settle({
    visitId: aVisit.id,
    storedValueMinorUnits: 10_000,
    externalPayments: [{ method: 'WECHAT_PAY', amountMinorUnits: 9_800 }],
  });
  // B: a massage and a haircut by the other therapist, paid ¥396 in cash; a ¥1000 card at the branch.
  const b = await createCustomer(testApp, org, '自定义乙');
  await sellCard(testApp, org.tokens.FRONT_DESK, b.id, cards.topUp.id, { storeId: branchId });
  const bVisit = await visitWith(b.id, [menu.massage.id, menu.haircut.id], org.users.OTHER_THERAPIST.id);
  await settle({ visitId: bVisit.id, externalPayments: [{ method: 'CASH', amountMinorUnits: 39_600 }] });
  // C: a second visit of A, not settled.
  await visitWith(a.id, [menu.spa.id]);
});
afterAll(() => testApp.close());

test('a custom report reconciles with revenueReport, serviceRanking and customerGrowthReport', async () => {
  const built = await execute(
    testApp,
    org.tokens.OWNER,
    `query($period: ReportPeriodInput!) {
      revenueReport(period: $period) { total { cashReceived { minorUnits } cardSales { minorUnits }
        servicesConsumed { minorUnits } settlements averageTicket { minorUnits } } }
      serviceRanking(period: $period, first: 100) { serviceId count revenue { minorUnits } }
      customerGrowthReport(period: $period) { total } }`,
    { period: period() },
  );
  expect(built.errors).toBeUndefined();
  const total = built.data!.revenueReport.total;
  const money = await run(org.tokens.OWNER, {
    measures: ['cashReceived', 'cardSales', 'servicesConsumed', 'settlements', 'averageTicket'],
  });
  expect(money.errors).toBeUndefined();
  expect(table(money.data!.runCustomReport)).toEqual([
    [
      total.cashReceived.minorUnits,
      total.cardSales.minorUnits,
      total.servicesConsumed.minorUnits,
      total.settlements,
      total.averageTicket.minorUnits,
    ],
  ]);
  // The figures themselves: cards ¥2000, checkouts ¥98 + ¥396; consumed ¥198 + ¥198 + 洗剪吹 ¥198.
  expect(table(money.data!.runCustomReport)).toEqual([[249_400, 200_000, 59_400, 2, 29_700]]);
  expect(money.data!.runCustomReport.rows[0].cells[0].money.currency).toBe('CNY');

  const ranking = await run(org.tokens.OWNER, {
    measures: ['servicesGiven', 'listPriceValue'],
    dimensions: ['service'],
  });
  expect(ranking.errors).toBeUndefined();
  const expected = built.data!.serviceRanking.map(
    (row: { serviceId: string; count: number; revenue: { minorUnits: number } }) => [
      row.serviceId,
      row.count,
      row.revenue.minorUnits,
    ],
  );
  expect(table(ranking.data!.runCustomReport).sort()).toEqual(expected.sort());

  const growth = await run(
    org.tokens.MARKETING,
    { measures: ['newCustomers'], dimensions: ['period'] },
    'DAY',
  );
  expect(growth.errors).toBeUndefined();
  expect(table(growth.data!.runCustomReport)).toEqual([[today(), built.data!.customerGrowthReport.total]]);
});

test('measures of several facts merge on their dimension keys; a store cuts card sales where they were posted', async () => {
  const result = await run(org.tokens.MANAGER, {
    measures: ['cardSales', 'visits', 'distinctCustomers'],
    dimensions: ['store'],
  });
  expect(result.errors).toBeUndefined();
  const report = result.data!.runCustomReport;
  expect(
    report.columns.map((column: { key: string; kind: string; type: string }) => [
      column.key,
      column.kind,
      column.type,
    ]),
  ).toEqual([
    ['store', 'DIMENSION', 'TEXT'],
    ['cardSales', 'MEASURE', 'MONEY'],
    ['visits', 'MEASURE', 'COUNT'],
    ['distinctCustomers', 'MEASURE', 'COUNT'],
  ]);
  const rows = Object.fromEntries(
    report.rows.map((row: { cells: Cell[] }) => [
      row.cells[0].key,
      table({ columns: [], rows: [row] })[0].slice(1),
    ]),
  );
  // Three visits of two customers, all at the main store; one card at each store.
  expect(rows).toEqual({ [org.storeId]: [100_000, 3, 2], [branchId]: [100_000, 0, 0] });
  expect(report.rows.find((row: { cells: Cell[] }) => row.cells[0].key === branchId).cells[0].label).toBe(
    '分店',
  );
});

test('filters keep the rows of the values given; therapists and categories are dimensions of the lines', async () => {
  const result = await run(org.tokens.OWNER, {
    measures: ['servicesGiven'],
    dimensions: ['therapist', 'serviceCategory'],
    filters: [{ dimension: 'service', values: [menu.massage.id, menu.haircut.id] }],
  });
  expect(result.errors).toBeUndefined();
  const rows = table(result.data!.runCustomReport).sort();
  expect(rows).toEqual(
    [
      [org.users.THERAPIST.id, '推拿按摩类', 1],
      [org.users.OTHER_THERAPIST.id, '推拿按摩类', 2],
    ].sort(),
  );
  expect(
    result.data!.runCustomReport.rows.map((row: { cells: Cell[] }) => row.cells[0].label).sort(),
  ).toEqual(['OTHER_THERAPIST', 'THERAPIST']);
});

test('the catalogue is what the role may use: MARKETING has no money measure, no therapist, no health', async () => {
  const query = `{ reportCatalogue { measures { code type dimensions } dimensions { code health filterable }
    maxMeasures maxDimensions maxRows minCellCustomers } }`;
  const owner = (await execute(testApp, org.tokens.OWNER, query)).data!.reportCatalogue;
  const marketing = (await execute(testApp, org.tokens.MARKETING, query)).data!.reportCatalogue;
  const codes = (list: { code: string }[]) => list.map((entry) => entry.code);
  expect(codes(owner.measures)).toEqual(
    expect.arrayContaining(['servicesConsumed', 'cashReceived', 'visits']),
  );
  expect(codes(owner.dimensions)).toEqual(expect.arrayContaining(['constitution', 'therapist', 'store']));
  expect(marketing.measures.filter((measure: { type: string }) => measure.type === 'MONEY')).toEqual([]);
  expect(codes(marketing.dimensions)).not.toContain('therapist');
  expect(marketing.dimensions.filter((dimension: { health: boolean }) => dimension.health)).toEqual([]);
  expect(
    owner.measures.find((measure: { code: string }) => measure.code === 'newCustomers').dimensions,
  ).not.toContain('service');
  expect([owner.maxMeasures, owner.maxDimensions, owner.maxRows, owner.minCellCustomers]).toEqual([
    5, 3, 1000, 5,
  ]);
});

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
  '%s runs custom reports only if its role may; otherwise FORBIDDEN with null',
  async (role) => {
    const token = role === 'INTEGRATION' ? integrationKey : org.tokens[role];
    const allowed = role === 'OWNER' || role === 'MANAGER' || role === 'MARKETING';
    for (const [field, query] of [
      ['runCustomReport', RUN],
      ['reportCatalogue', `{ reportCatalogue { maxRows } }`],
      ['customReports', `{ customReports { id } }`],
    ] as const) {
      const result = await execute(testApp, token, query, {
        definition: { measures: ['visits'] },
        period: period(),
      });
      if (allowed) {
        expect([field, result.errors]).toEqual([field, undefined]);
      } else {
        expect([field, result.errors?.[0].extensions?.code, result.errors?.[0].path]).toEqual([
          field,
          'FORBIDDEN',
          [field],
        ]);
        expect(result.data?.[field] ?? null).toBeNull();
      }
    }
    const money = await run(token, { measures: ['visits', 'servicesConsumed'] });
    const mayMoney = role === 'OWNER' || role === 'MANAGER';
    expect(money.errors?.[0].extensions?.code).toBe(mayMoney ? undefined : 'FORBIDDEN');
    if (!mayMoney) expect(money.data?.runCustomReport ?? null).toBeNull();
  },
);

test('definitions outside the catalogue are BAD_USER_INPUT naming the part', async () => {
  const cases: [Record<string, unknown>, string, string][] = [
    [{ measures: ['revenue'] }, 'definition.measures[0]', 'catalogue'],
    [{ measures: [] }, 'definition.measures', 'required'],
    [{ measures: ['visits'], dimensions: ['service'] }, 'definition.dimensions[0]', 'catalogue'],
    [
      { measures: ['newCustomers'], dimensions: ['store', 'customerName'] },
      'definition.dimensions[1]',
      'catalogue',
    ],
    [{ measures: ['customers'], dimensions: ['period'] }, 'definition.dimensions[0]', 'catalogue'],
    [
      { measures: ['visits'], dimensions: ['store', 'source', 'tier', 'gender'] },
      'definition.dimensions',
      'count',
    ],
    [
      { measures: ['visits', 'newCustomers', 'settlements', 'servicesGiven', 'punchesUsed', 'productUses'] },
      'definition.measures',
      'count',
    ],
    [{ measures: ['visits', 'visits'] }, 'definition.measures', 'count'],
    [
      { measures: ['visits'], filters: [{ dimension: 'constitution', values: ['BALANCED'] }] },
      'definition.filters[0].dimension',
      'catalogue',
    ],
    [
      { measures: ['visits'], filters: [{ dimension: 'gender', values: ['WOMAN'] }] },
      'definition.filters[0].values[0]',
      'catalogue',
    ],
    [
      { measures: ['visits'], filters: [{ dimension: 'store', values: ['not-an-id'] }] },
      'definition.filters[0].values[0]',
      'catalogue',
    ],
    [
      { measures: ['visits'], filters: [{ dimension: 'store', values: [] }] },
      'definition.filters[0].values',
      'required',
    ],
  ];
  for (const [definition, field, rule] of cases) {
    const result = await run(org.tokens.OWNER, definition);
    expect([field, result.errors?.[0].extensions]).toEqual([
      field,
      expect.objectContaining({ code: 'BAD_USER_INPUT', field, rule }),
    ]);
  }
});

const INJECTIONS = [
  `visits'; drop table saved_report; --`,
  `count(*)) from customer; --`,
  `" or 1=1 --`,
  `$1`,
  `?`,
  `store_id) union select password_hash from app_user --`,
];

test('injection through every string input: codes are refused, values are bound, nothing else runs', async () => {
  for (const text of INJECTIONS) {
    for (const definition of [
      { measures: [text] },
      { measures: ['visits'], dimensions: [text] },
      { measures: ['visits'], filters: [{ dimension: text, values: ['x'] }] },
      { measures: ['visits'], filters: [{ dimension: 'gender', values: [text] }] },
      { measures: ['visits'], filters: [{ dimension: 'store', values: [text] }] },
    ]) {
      const result = await run(org.tokens.OWNER, definition);
      expect([text, result.errors?.[0].extensions?.code]).toEqual([text, 'BAD_USER_INPUT']);
    }
    // A free-text filter value is a bound parameter: it matches no category, and nothing breaks.
    const category = await run(org.tokens.OWNER, {
      measures: ['servicesGiven'],
      dimensions: ['serviceCategory'],
      filters: [{ dimension: 'serviceCategory', values: [text.slice(0, 50)] }],
    });
    expect([text, category.errors, category.data?.runCustomReport.rows]).toEqual([text, undefined, []]);
    const dates = await execute(testApp, org.tokens.OWNER, RUN, {
      definition: { measures: ['visits'] },
      period: { from: text, to: today() },
    });
    expect([text, dates.errors?.[0].extensions?.code]).toEqual([text, 'BAD_USER_INPUT']);
    const saved = await execute(testApp, org.tokens.OWNER, SAVE, {
      input: { name: text.slice(0, 50), description: text, definition: { measures: ['visits'] } },
    });
    expect([text, saved.errors]).toEqual([text, undefined]);
    expect([saved.data!.saveCustomReport.name, saved.data!.saveCustomReport.description]).toEqual([
      text.slice(0, 50).trim(),
      text,
    ]);
    const id = saved.data!.saveCustomReport.id;
    const again = await execute(testApp, org.tokens.OWNER, SAVED, { id, period: period() });
    expect([text, again.errors, again.data!.customReport.run.rows[0].cells[0].count]).toEqual([
      text,
      undefined,
      3,
    ]);
    const lookup = await execute(
      testApp,
      org.tokens.OWNER,
      `query($id: ID!) { customReport(id: $id) { id } }`,
      {
        id: text,
      },
    );
    expect([text, lookup.errors?.[0].extensions?.code]).toEqual([text, 'NOT_FOUND']);
    const removed = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!) { deleteCustomReport(id: $id) }`,
      {
        id: text,
      },
    );
    expect([text, removed.errors?.[0].extensions?.code]).toEqual([text, 'NOT_FOUND']);
    const renamed = await execute(testApp, org.tokens.OWNER, UPDATE, {
      input: { id, expectedVersion: 1, description: `${text}!` },
    });
    expect([text, renamed.errors, renamed.data!.updateCustomReport.version]).toEqual([text, undefined, 2]);
    const ranking = await execute(
      testApp,
      org.tokens.OWNER,
      `query($period: ReportPeriodInput!, $storeId: ID) { productRanking(period: $period, storeId: $storeId) { name } }`,
      { period: period(), storeId: text },
    );
    expect([text, ranking.errors?.[0].extensions]).toEqual([
      text,
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'storeId' }),
    ]);
  }
  expect(
    await countRows(testApp.orm, `select count(*) from saved_report where organization_id = ?`, [
      org.organizationId,
    ]),
  ).toBe(INJECTIONS.length);
  expect(
    await countRows(testApp.orm, `select count(*) from app_user where organization_id = ?`, [
      org.organizationId,
    ]),
  ).toBeGreaterThan(0);
});

test('saved per organization: save, list, run, update by version, duplicate names, delete', async () => {
  const saved = await execute(testApp, org.tokens.MARKETING, SAVE, {
    input: {
      name: '每月新客',
      definition: { measures: ['newCustomers'], dimensions: ['period', 'source'], grain: 'WEEK' },
    },
  });
  expect(saved.errors).toBeUndefined();
  const report = saved.data!.saveCustomReport;
  expect(report).toMatchObject({
    name: '每月新客',
    version: 1,
    definition: { measures: ['newCustomers'], dimensions: ['period', 'source'], grain: 'WEEK', filters: [] },
  });
  const ran = await execute(testApp, org.tokens.MARKETING, SAVED, {
    id: report.id,
    period: { from: today(), to: today() },
  });
  expect(ran.errors).toBeUndefined();
  expect(ran.data!.customReport.run.period.grain).toBe('WEEK');
  expect(ran.data!.customReport.run.rows.length).toBeGreaterThan(0);

  const duplicate = await execute(testApp, org.tokens.OWNER, SAVE, {
    input: { name: '每月新客', definition: { measures: ['visits'] } },
  });
  expect(duplicate.errors?.[0].extensions).toMatchObject({
    code: 'CONFLICT',
    reason: 'DUPLICATE_NAME',
    field: 'name',
  });
  const theirs = await execute(testApp, other.tokens.OWNER, SAVE, {
    input: { name: '每月新客', definition: { measures: ['visits'] } },
  });
  expect(theirs.errors).toBeUndefined();

  const updated = await execute(testApp, org.tokens.MANAGER, UPDATE, {
    input: {
      id: report.id,
      expectedVersion: 1,
      name: '新客来源',
      definition: { measures: ['customers'], dimensions: ['source'] },
    },
  });
  expect(updated.errors).toBeUndefined();
  expect(updated.data!.updateCustomReport).toMatchObject({ name: '新客来源', version: 2 });
  const stale = await execute(testApp, org.tokens.MANAGER, UPDATE, {
    input: { id: report.id, expectedVersion: 1, name: '旧的' },
  });
  expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_VERSION' });
  const invalid = await execute(testApp, org.tokens.MANAGER, UPDATE, {
    input: {
      id: report.id,
      expectedVersion: 2,
      definition: { measures: ['visits'], dimensions: ['product'] },
    },
  });
  expect(invalid.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'definition.dimensions[0]',
  });

  const list = await execute(testApp, org.tokens.MARKETING, `{ customReports { id name } }`);
  expect(list.data!.customReports.map((entry: { name: string }) => entry.name)).toContain('新客来源');
  const foreignList = await execute(testApp, other.tokens.OWNER, `{ customReports { id } }`);
  expect(foreignList.data!.customReports.map((entry: { id: string }) => entry.id)).not.toContain(report.id);
  const foreign = await execute(testApp, other.tokens.OWNER, SAVED, { id: report.id, period: period() });
  expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');

  const deleted = await execute(
    testApp,
    org.tokens.MARKETING,
    `mutation($id: ID!) { deleteCustomReport(id: $id) }`,
    {
      id: report.id,
    },
  );
  expect(deleted.data!.deleteCustomReport).toBe(report.id);
  const gone = await execute(testApp, org.tokens.OWNER, SAVED, { id: report.id, period: period() });
  expect(gone.errors?.[0].extensions?.code).toBe('NOT_FOUND');
});

test('a saved definition is checked again on every run: for the role running it, and as stored', async () => {
  const saved = await execute(testApp, org.tokens.OWNER, SAVE, {
    input: { name: '消耗按门店', definition: { measures: ['servicesConsumed'], dimensions: ['store'] } },
  });
  expect(saved.errors).toBeUndefined();
  const id = saved.data!.saveCustomReport.id;
  const marketing = await execute(testApp, org.tokens.MARKETING, SAVED, { id, period: period() });
  expect(marketing.errors?.[0]).toMatchObject({
    path: ['customReport', 'run'],
    extensions: { code: 'FORBIDDEN' },
  });
  const refused = await execute(testApp, org.tokens.MARKETING, SAVE, {
    input: { name: '营销看消耗', definition: { measures: ['servicesConsumed'] } },
  });
  expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  // A definition changed in the database (or by an older catalogue) is refused, not run.
  await testApp.orm.em
    .fork()
    .getConnection()
    .execute(`update saved_report set definition = '{"measures": ["sum(amount_paid)"]}' where id = ?`, [id]);
  const tampered = await execute(testApp, org.tokens.OWNER, SAVED, { id, period: period() });
  expect(tampered.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'definition.measures[0]',
  });
});

test('a result has at most 1,000 rows: beyond, the first by the dimensions and truncated', async () => {
  const crowded = await createOrganization(testApp, '大店');
  // One new customer a day for 1,001 days.
  await testApp.orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into customer (id, organization_id, code, name, name_pinyin, name_initials, important_dates,
       preferences, created_at)
     select gen_random_uuid(), ?, 'D' || day, '客户' || day, 'kehu', 'kh', '[]', '{}',
       now() - make_interval(days => day)
     from generate_series(1, 1001) as day`,
      [crowded.organizationId],
    );
  const result = await execute(testApp, crowded.tokens.OWNER, RUN, {
    definition: { measures: ['newCustomers'], dimensions: ['period'] },
    period: { from: addDays(today(), -1010), to: today(), grain: 'DAY' },
  });
  expect(result.errors).toBeUndefined();
  const report = result.data!.runCustomReport;
  expect([report.rows.length, report.truncated, report.rowLimit]).toEqual([1000, true, 1000]);
  expect(report.rows[0].cells[0].key < report.rows[999].cells[0].key).toBe(true);
  const month = await execute(testApp, crowded.tokens.OWNER, RUN, {
    definition: { measures: ['newCustomers'] },
    period: { from: addDays(today(), -1010), to: today() },
  });
  expect([month.data!.runCustomReport.truncated, table(month.data!.runCustomReport)]).toEqual([
    false,
    [[1003]],
  ]);
});

test("a role that may not run a saved report may neither rename nor delete it (MARKETING and an OWNER's money report)", async () => {
  const saved = await execute(testApp, org.tokens.OWNER, SAVE, {
    input: { name: '老板的营业额', definition: { measures: ['listPriceValue'] } },
  });
  expect(saved.errors).toBeUndefined();
  const { id } = saved.data!.saveCustomReport;
  const renamed = await execute(testApp, org.tokens.MARKETING, UPDATE, {
    input: { id, expectedVersion: 1, name: '改名了' },
  });
  expect(renamed.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const deleted = await execute(
    testApp,
    org.tokens.MARKETING,
    `mutation($id: ID!) { deleteCustomReport(id: $id) }`,
    {
      id,
    },
  );
  expect(deleted.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  expect(
    await countRows(testApp.orm, `select count(*) from saved_report where id = ? and name = ?`, [
      id,
      '老板的营业额',
    ]),
  ).toBe(1);
});
