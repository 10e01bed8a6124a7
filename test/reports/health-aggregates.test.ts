import { Allergy, HealthProfile, Store, Visit } from '../../src/entities';
import { AllergyCategory, TcmConstitution, VerificationStatus } from '../../src/entities/health/health.enums';
import { todayIn } from '../../src/core/time';
import { addDays } from '../../src/services/reports/period';
import { suppressSmallCells } from '../../src/services/reports/health-aggregate';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let branchId: string;
let integrationKey: string;

const today = () => todayIn('Asia/Shanghai');
const RUN = `query($definition: CustomReportDefinitionInput!, $period: ReportPeriodInput!) {
  runCustomReport(definition: $definition, period: $period) { healthAggregate suppressedRows
    rows { suppressed cells { key label count suppressed } } } }`;

type Row = {
  suppressed: boolean;
  cells: { key?: string; label?: string; count?: number | null; suppressed: boolean }[];
};

async function run(token: string, definition: Record<string, unknown>, from = today()) {
  return execute(testApp, token, RUN, { definition, period: { from, to: today(), grain: 'DAY' } });
}

/** key(s) → the count shown, or 'suppressed'. */
function cells(rows: Row[], dimensions: number) {
  return Object.fromEntries(
    rows.map((row) => [
      row.cells
        .slice(0, dimensions)
        .map((cell) => cell.key)
        .join(' × '),
      row.suppressed ? 'suppressed' : row.cells[dimensions].count,
    ]),
  );
}

let sequence = 0;
/** A customer with a health profile of one constitution, at a home store. */
async function patient(
  constitution: TcmConstitution,
  homeStoreId: string,
  extra: { allergy?: AllergyCategory; refuted?: boolean; withdrawn?: boolean; visits?: number } = {},
) {
  const customer = await createCustomer(testApp, org, `体质客户${++sequence}`);
  const em = testApp.orm.em.fork();
  em.create(HealthProfile, { organization: org.organizationId, customer: customer.id, constitution });
  if (extra.allergy)
    em.create(Allergy, {
      organization: org.organizationId,
      customer: customer.id,
      substance: '测试过敏原',
      category: extra.allergy,
      verificationStatus: extra.refuted ? VerificationStatus.REFUTED : VerificationStatus.CONFIRMED,
    });
  for (let index = 0; index < (extra.visits ?? 0); index++)
    em.create(Visit, {
      organization: org.organizationId,
      store: homeStoreId,
      customer: customer.id,
      visitedAt: new Date(),
    });
  await em.flush();
  await em
    .getConnection()
    .execute(`update customer set home_store_id = ?, health_consent_withdrawn_at = ? where id = ?`, [
      homeStoreId,
      extra.withdrawn ? new Date() : null,
      customer.id,
    ]);
}

beforeAll(async () => {
  testApp = await createTestApp();
  // The fixture's two customers: 气虚质, no home store; one with a 精油 allergy and a pregnancy, one with a food allergy.
  org = await createOrganization(testApp);
  const em = testApp.orm.em.fork();
  branchId = em.create(Store, { organization: org.organizationId, name: '分店', code: 'B1' }).id;
  await em.flush();
  const key = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createApiKey(input: { name: "收银系统" }) { secret } }`,
  );
  integrationKey = key.data!.createApiKey.secret;
  // 平和质: 6 at the main store (5 with a food allergy), 2 at the branch.
  for (let index = 0; index < 6; index++)
    await patient(TcmConstitution.BALANCED, org.storeId, {
      allergy: index < 5 ? AllergyCategory.FOOD : undefined,
    });
  for (let index = 0; index < 2; index++) await patient(TcmConstitution.BALANCED, branchId);
  // 气郁质: 5 at each store, one with a refuted drug allergy (not in force).
  for (let index = 0; index < 5; index++)
    await patient(TcmConstitution.QI_STAGNATION, org.storeId, {
      allergy: index === 0 ? AllergyCategory.DRUG : undefined,
      refuted: true,
    });
  for (let index = 0; index < 5; index++) await patient(TcmConstitution.QI_STAGNATION, branchId);
  // 阴虚质: one customer, six visits today. 湿热质: one customer who withdrew health consent.
  await patient(TcmConstitution.YIN_DEFICIENCY, org.storeId, { visits: 6 });
  await patient(TcmConstitution.DAMP_HEAT, org.storeId, { withdrawn: true });
});
afterAll(() => testApp.close());

test('customers by constitution: every type is a row; fewer than 5 customers shows no count', async () => {
  const result = await run(org.tokens.OWNER, { measures: ['customers'], dimensions: ['constitution'] });
  expect(result.errors).toBeUndefined();
  const report = result.data!.runCustomReport;
  expect(report.healthAggregate).toBe(true);
  expect(cells(report.rows, 1)).toEqual({
    BALANCED: 8,
    QI_DEFICIENCY: 'suppressed',
    YANG_DEFICIENCY: 'suppressed',
    YIN_DEFICIENCY: 'suppressed',
    PHLEGM_DAMPNESS: 'suppressed',
    DAMP_HEAT: 'suppressed',
    BLOOD_STASIS: 'suppressed',
    QI_STAGNATION: 10,
    SPECIAL_DIATHESIS: 'suppressed',
    // The one who withdrew consent: their constitution is no longer used.
    NOT_RECORDED: 'suppressed',
  });
  const hidden = report.rows.find((row: Row) => row.cells[0].key === 'QI_DEFICIENCY');
  expect(hidden.cells[1]).toEqual({ key: null, label: null, count: null, suppressed: true });
  expect(report.suppressedRows).toBe(8);
});

test('a lone small cell is not left to be computed from its line: its complement is hidden too', async () => {
  // Per store, 平和质 is 6 and 2: the 2 is hidden, and 6 would give it back from the total of 8.
  const result = await run(org.tokens.MANAGER, {
    measures: ['customers'],
    dimensions: ['constitution', 'store'],
    filters: [{ dimension: 'store', values: [org.storeId, branchId] }],
  });
  expect(result.errors).toBeUndefined();
  const shown = cells(result.data!.runCustomReport.rows, 2);
  expect(shown[`BALANCED × ${branchId}`]).toBe('suppressed');
  expect(shown[`BALANCED × ${org.storeId}`]).toBe('suppressed');
  expect(shown[`QI_STAGNATION × ${org.storeId}`]).toBe(5);
  expect(shown[`QI_STAGNATION × ${branchId}`]).toBe(5);
  expect(Object.keys(shown)).toHaveLength(20);
  // A cell no customer is in (zero-filled) still names its store.
  const empty = result.data!.runCustomReport.rows.find(
    (row: Row) => row.cells[0].key === 'PHLEGM_DAMPNESS' && row.cells[1].key === branchId,
  );
  expect(empty.cells[1].label).toBe('分店');
});

test('reached through another measure, the cell still counts customers: six visits of one customer stay hidden', async () => {
  const result = await run(org.tokens.OWNER, { measures: ['visits'], dimensions: ['constitution'] });
  expect(result.errors).toBeUndefined();
  const shown = cells(result.data!.runCustomReport.rows, 1);
  expect(shown.YIN_DEFICIENCY).toBe('suppressed');
  expect(Object.values(shown).every((value) => value === 'suppressed')).toBe(true);
});

test('allergy categories and special conditions: in force only, NONE for the rest, consent withdrawn not used', async () => {
  const allergies = await run(org.tokens.OWNER, { measures: ['customers'], dimensions: ['allergyCategory'] });
  expect(allergies.errors).toBeUndefined();
  // 22 live customers: FOOD 5 + the fixture's one; 精油 1; the refuted drug allergy is none; 1 withdrew.
  expect(cells(allergies.data!.runCustomReport.rows, 1)).toMatchObject({
    FOOD: 6,
    ESSENTIAL_OIL: 'suppressed',
    DRUG: 'suppressed',
    NONE: 14,
    NOT_RECORDED: 'suppressed',
  });
  const special = await run(org.tokens.OWNER, { measures: ['customers'], dimensions: ['specialCondition'] });
  expect(cells(special.data!.runCustomReport.rows, 1)).toMatchObject({
    PREGNANCY: 'suppressed',
    NONE: 20,
    NOT_RECORDED: 'suppressed',
  });
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
  '%s: health aggregates only for roles that read every customer’s clinical data',
  async (role) => {
    const token = role === 'INTEGRATION' ? integrationKey : org.tokens[role];
    for (const dimension of ['constitution', 'allergyCategory', 'specialCondition']) {
      const result = await run(token, { measures: ['customers'], dimensions: [dimension] });
      if (role === 'OWNER' || role === 'MANAGER') {
        expect([dimension, result.errors]).toEqual([dimension, undefined]);
      } else {
        expect([dimension, result.errors?.[0].extensions?.code, result.errors?.[0].path]).toEqual([
          dimension,
          'FORBIDDEN',
          ['runCustomReport'],
        ]);
        expect(result.data?.runCustomReport ?? null).toBeNull();
      }
    }
  },
);

test('a health value is never a filter, and a cube too large to suppress as a whole is refused', async () => {
  const filtered = await run(org.tokens.OWNER, {
    measures: ['customers'],
    dimensions: ['store'],
    filters: [{ dimension: 'constitution', values: ['BALANCED'] }],
  });
  expect(filtered.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'definition.filters[0].dimension',
  });
  const year = await run(
    org.tokens.OWNER,
    { measures: ['visits'], dimensions: ['constitution', 'period'] },
    addDays(today(), -364),
  );
  expect(year.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'definition.dimensions',
    rule: 'count',
  });
});

test('the complementary rule runs along every dimension until no line has one hidden cell', () => {
  // 2 × 2: only a1·b1 is small. Hiding it alone leaves a1·b2 and a2·b1 to give it back from the
  // totals, so both are hidden; then a2·b2 is the lone shown cell of two lines and is hidden too.
  const grid = [
    { keys: ['a1', 'b1'], customers: 3, suppressed: false },
    { keys: ['a1', 'b2'], customers: 9, suppressed: false },
    { keys: ['a2', 'b1'], customers: 7, suppressed: false },
    { keys: ['a2', 'b2'], customers: 20, suppressed: false },
  ];
  expect(suppressSmallCells(grid, 2).map((cell) => cell.suppressed)).toEqual([true, true, true, true]);
  // Two small cells in one line protect each other; the line across keeps its figures.
  const line = [
    { keys: ['x'], customers: 1, suppressed: false },
    { keys: ['y'], customers: 2, suppressed: false },
    { keys: ['z'], customers: 30, suppressed: false },
  ];
  expect(suppressSmallCells(line, 1).map((cell) => cell.suppressed)).toEqual([true, true, false]);
  // One small cell in a line: the smallest shown cell goes with it.
  const single = [
    { keys: ['x'], customers: 1, suppressed: false },
    { keys: ['y'], customers: 6, suppressed: false },
    { keys: ['z'], customers: 30, suppressed: false },
  ];
  expect(suppressSmallCells(single, 1).map((cell) => cell.suppressed)).toEqual([true, true, false]);
});

const HEALTH_REPORT = `{ customerHealthReport { minCellCustomers
  byConstitution { key label count suppressed } byAllergyCategory { key count suppressed }
  bySpecialCondition { key count suppressed } } }`;

test.each(ROLES)(
  '%s: customerHealthReport is the same suppressed aggregate, for clinical readers only',
  async (role) => {
    const token = role === 'INTEGRATION' ? integrationKey : org.tokens[role];
    const result = await execute(testApp, token, HEALTH_REPORT);
    if (role !== 'OWNER' && role !== 'MANAGER') {
      expect([result.errors?.[0].extensions?.code, result.errors?.[0].path]).toEqual([
        'FORBIDDEN',
        ['customerHealthReport'],
      ]);
      expect(result.data?.customerHealthReport ?? null).toBeNull();
      return;
    }
    expect(result.errors).toBeUndefined();
    const report = result.data!.customerHealthReport;
    const shown = (rows: { key: string; count: number | null; suppressed: boolean }[]) =>
      Object.fromEntries(rows.filter((row) => !row.suppressed).map((row) => [row.key, row.count]));
    expect(shown(report.byConstitution)).toEqual({ BALANCED: 8, QI_STAGNATION: 10 });
    expect(report.byConstitution.find((row: { key: string }) => row.key === 'BALANCED').label).toBe('平和质');
    expect(report.byConstitution.find((row: { key: string }) => row.key === 'QI_DEFICIENCY')).toEqual({
      key: 'QI_DEFICIENCY',
      label: '气虚质',
      count: null,
      suppressed: true,
    });
    expect(shown(report.byAllergyCategory)).toEqual({ FOOD: 6, NONE: 14 });
    expect(shown(report.bySpecialCondition)).toEqual({ NONE: 20 });
    expect(report.minCellCustomers).toBe(5);
  },
);

test('a health aggregate filters only on its own dimensions: with and without another, a suppressed cell came out by difference', async () => {
  const filtered = await run(org.tokens.MANAGER, {
    measures: ['customers'],
    dimensions: ['constitution'],
    filters: [{ dimension: 'gender', values: ['FEMALE'] }],
  });
  expect(filtered.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'definition.filters',
    rule: 'catalogue',
  });
  // Cut by the dimension instead, the cells are suppressed together.
  const cut = await run(org.tokens.MANAGER, {
    measures: ['customers'],
    dimensions: ['constitution', 'gender'],
  });
  expect(cut.errors).toBeUndefined();
});
