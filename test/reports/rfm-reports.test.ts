import { Store } from '../../src/entities';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { recordSettledVisit, createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;
let menu: CatalogueFixture;
let branchId: string;
/** The customers' ids by their letter. */
const ids: Record<string, string> = {};

const PRICE = 19_800;
const AS_OF = '2026-06-30';
/** An instant given as Asia/Shanghai wall-clock time (UTC+8), noon unless told. */
const shanghai = (date: string, time = '12:00:00') => new Date(`${date}T${time}+08:00`);

const RFM = `query($asOf: String, $storeId: ID, $first: Int, $after: String) {
  rfmReport(asOf: $asOf, storeId: $storeId, first: $first, after: $after) {
    asOf windowFrom timeZone customersScored customersWithoutVisits segments { key label count }
    customers { totalCount pageInfo { hasNextPage endCursor } edges { node {
      id name lastVisitOn recencyDays frequency monetary { minorUnits currency }
      recencyScore frequencyScore monetaryScore segment segmentLabel } } } } }`;
const COHORTS = `query($from: String!, $to: String!) { retentionCohorts(from: $from, to: $to) {
  from to timeZone cohorts { month customers retention { monthsLater month customers share } } } }`;
const FREQUENCY = `query($period: ReportPeriodInput!, $storeId: ID) {
  visitFrequencyReport(period: $period, storeId: $storeId) { visitors visits bands { key label count } } }`;

async function visit(customerId: string, at: Date, lines: number, settled = true) {
  await recordSettledVisit(testApp, org, menu, { customerId, at, lines, pricePerLine: PRICE, settled });
}

/**
 * Ten scored customers A–J, as of 2026-06-30 (the window from 2025-07-01), every line a ¥198 massage:
 *
 * | | last settled visit | R days | F | lines in window | R | F | M | class |
 * | A | 06-29 00:30 local | 1 | 4 | 4 | 5 | 5 | 3 | R↑F↑M↓ 一般价值 |
 * | B | 06-28 | 2 | 3 | 11 | 5 | 4 | 5 | R↑F↑M↑ 重要价值 |
 * | C | 06-25 | 5 | 1 | 10 | 4 | 1 | 5 | R↑F↓M↑ 重要发展 |
 * | D | 06-20 | 10 | 2 | 2 | 4 | 3 | 2 | R↑F↑M↓ 一般价值 |
 * | E | 06-10 | 20 | 1 | 1 | 3 | 1 | 1 | R↓F↓M↓ 一般挽留 |
 * | F | 05-21 | 40 | 3 | 3 | 3 | 4 | 2 | R↓F↑M↓ 一般保持 |
 * | G | 04-11 | 80 | 2 | 7 | 2 | 3 | 3 | R↓F↑M↓ 一般保持 |
 * | H | 01-31 | 150 | 1 | 8 | 2 | 1 | 4 | R↓F↓M↑ 重要挽留 |
 * | I | 2025-09-03 | 300 | 1 | 9 | 1 | 1 | 4 | R↓F↓M↑ 重要挽留 |
 * | J | 2025-02-15 | 500 | 0 | 0 | 1 | 1 | 1 | R↓F↓M↓ 一般挽留 |
 *
 * ntile(5) of ten: two per score. F's ties: the four 1s sit at tiles 1,2,2,3 and all take 1; the
 * 2s (tiles 3,4) take 3; the 3s (tiles 4,5) take 4. Averages: R 3, F 2.4, M 3; high is above them.
 * Not scored: A's unsettled visit of 06-30, D's visit after asOf, E's the day before the window,
 * an archived customer, and the customers with no settled visit (the fixture's two, K, L, N, P).
 */
beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家美容院');
  menu = await createCatalogue(testApp, org);
  for (const letter of 'ABCDEFGHIJKLNPX')
    ids[letter] = (await createCustomer(testApp, org, `RFM客户${letter}`)).id;
  const plan: [string, string, number, boolean?][] = [
    ['A', '2026-01-10', 1],
    ['A', '2026-05-01', 1],
    ['A', '2026-06-01', 1],
    ['A', '2026-06-29T00:30:00', 1],
    ['A', '2026-06-30', 1, false],
    ['B', '2025-08-01', 3],
    ['B', '2026-04-01', 4],
    ['B', '2026-06-28', 4],
    ['C', '2026-06-25', 10],
    ['D', '2026-03-15', 1],
    ['D', '2026-06-20', 1],
    ['D', '2026-07-05', 6],
    ['E', '2025-06-30', 5],
    ['E', '2026-06-10', 1],
    ['F', '2025-09-09', 1],
    ['F', '2026-02-01', 1],
    ['F', '2026-05-21', 1],
    ['G', '2025-12-01', 4],
    ['G', '2026-04-11', 3],
    ['H', '2026-01-31', 8],
    ['I', '2025-09-03', 9],
    ['J', '2025-02-15', 1],
    // L: one unsettled visit, 00:30 on 1 February local (still 31 January in UTC).
    ['L', '2026-02-01T00:30:00', 1, false],
    // X: archived afterwards; counted, it would top every score.
    ['X', '2026-06-29', 10],
  ];
  // N: six unsettled visits in March (6–10 band); P: eleven on the window's first day (11+ band).
  for (let day = 2; day <= 7; day++) plan.push(['N', `2026-03-0${day}`, 1, false]);
  for (let hour = 10; hour <= 20; hour++) plan.push(['P', `2025-07-01T${hour}:00:00`, 1, false]);
  for (const [letter, at, lines, settled] of plan) {
    const [date, time] = at.split('T');
    await visit(ids[letter], shanghai(date, time), lines, settled ?? true);
  }
  const em = testApp.orm.em.fork();
  branchId = em.create(Store, { organization: org.organizationId, name: '分店', code: 'B1' }).id;
  await em.flush();
  await testApp.orm.em
    .fork()
    .getConnection()
    .execute(`update customer set archived_at = now() where id = ?`, [ids.X]);
});
afterAll(() => testApp.close());

interface Node {
  id: string;
  name: string;
  lastVisitOn: string;
  recencyDays: number;
  frequency: number;
  monetary: { minorUnits: number; currency: string } | null;
  recencyScore: number;
  frequencyScore: number;
  monetaryScore: number;
  segment: string;
  segmentLabel: string;
}

const EXPECTED: Record<string, [string, number, number, number, number, number, number, string]> = {
  A: ['2026-06-29', 1, 4, 4, 5, 5, 3, '一般价值客户'],
  B: ['2026-06-28', 2, 3, 11, 5, 4, 5, '重要价值客户'],
  C: ['2026-06-25', 5, 1, 10, 4, 1, 5, '重要发展客户'],
  D: ['2026-06-20', 10, 2, 2, 4, 3, 2, '一般价值客户'],
  E: ['2026-06-10', 20, 1, 1, 3, 1, 1, '一般挽留客户'],
  F: ['2026-05-21', 40, 3, 3, 3, 4, 2, '一般保持客户'],
  G: ['2026-04-11', 80, 2, 7, 2, 3, 3, '一般保持客户'],
  H: ['2026-01-31', 150, 1, 8, 2, 1, 4, '重要挽留客户'],
  I: ['2025-09-03', 300, 1, 9, 1, 1, 4, '重要挽留客户'],
  J: ['2025-02-15', 500, 0, 0, 1, 1, 1, '一般挽留客户'],
};

function letterOf(id: string) {
  return Object.entries(ids).find(([, value]) => value === id)![0];
}

function plainNode(node: Node) {
  return [
    node.lastVisitOn,
    node.recencyDays,
    node.frequency,
    node.monetary && node.monetary.minorUnits / PRICE,
    node.recencyScore,
    node.frequencyScore,
    node.monetaryScore,
    node.segmentLabel,
  ];
}

async function rfm(token: string, variables: Record<string, unknown> = {}) {
  return execute(testApp, token, RFM, { asOf: AS_OF, first: 20, ...variables });
}

test('RFM: hand-computed scores, ties alike, the eight segments zero-filled, unscored customers apart', async () => {
  const result = await rfm(org.tokens.OWNER);
  expect(result.errors).toBeUndefined();
  const report = result.data!.rfmReport;
  expect(report).toMatchObject({
    asOf: AS_OF,
    windowFrom: '2025-07-01',
    timeZone: 'Asia/Shanghai',
    customersScored: 10,
    customersWithoutVisits: 6,
  });
  expect(report.segments).toEqual([
    { key: 'IMPORTANT_VALUE', label: '重要价值客户', count: 1 },
    { key: 'IMPORTANT_DEVELOPMENT', label: '重要发展客户', count: 1 },
    { key: 'IMPORTANT_RETENTION', label: '重要保持客户', count: 0 },
    { key: 'IMPORTANT_WINBACK', label: '重要挽留客户', count: 2 },
    { key: 'GENERAL_VALUE', label: '一般价值客户', count: 2 },
    { key: 'GENERAL_DEVELOPMENT', label: '一般发展客户', count: 0 },
    { key: 'GENERAL_RETENTION', label: '一般保持客户', count: 2 },
    { key: 'GENERAL_WINBACK', label: '一般挽留客户', count: 2 },
  ]);
  const nodes: Node[] = report.customers.edges.map((edge: { node: Node }) => edge.node);
  expect(Object.fromEntries(nodes.map((node) => [letterOf(node.id), plainNode(node)]))).toEqual(EXPECTED);
  expect(nodes.find((node) => letterOf(node.id) === 'B')).toMatchObject({
    name: 'RFM客户B',
    segment: 'IMPORTANT_VALUE',
    monetary: { minorUnits: 217_800, currency: 'CNY' },
  });
  expect(report.customers.totalCount).toBe(10);
  // R+F+M highest first: B 14, A 13, C 10, D and F 9 (by id), G 8, H 7, I 6, E 5, J 3.
  const [d, f] = [ids.D, ids.F].sort().reverse();
  expect(nodes.map((node) => node.id)).toEqual([
    ids.B,
    ids.A,
    ids.C,
    d,
    f,
    ids.G,
    ids.H,
    ids.I,
    ids.E,
    ids.J,
  ]);
});

test('RFM pages with first/after, through a tie of R+F+M, without a row twice or missing', async () => {
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 4 && (page === 0 || after); page++) {
    const result = await rfm(org.tokens.MANAGER, { first: 4, after });
    expect(result.errors).toBeUndefined();
    const connection = result.data!.rfmReport.customers;
    seen.push(...connection.edges.map((edge: { node: Node }) => edge.node.id));
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  }
  const all = await rfm(org.tokens.OWNER);
  expect(seen).toEqual(all.data!.rfmReport.customers.edges.map((edge: { node: Node }) => edge.node.id));
  expect(seen).toHaveLength(10);
});

test('RFM: MARKETING is never named a customer who opted out; the scores and segments still count them', async () => {
  // B: 勿扰. C: withdrew consent on the only channel asked.
  await testApp.asOwner('update customer set do_not_contact = true where id = $1', [ids.B]);
  await testApp.asOwner(
    `insert into contact_consent (id, organization_id, customer_id, channel, granted, source, recorded_at)
     values (gen_random_uuid(), $1, $2, 'SMS', false, 'test', now())`,
    [org.organizationId, ids.C],
  );
  try {
    const marketing = (await rfm(org.tokens.MARKETING)).data!.rfmReport;
    const owner = (await rfm(org.tokens.OWNER)).data!.rfmReport;
    const named = (report: { customers: { edges: { node: Node }[] } }) =>
      report.customers.edges.map((edge) => letterOf(edge.node.id)).sort();
    expect(named(marketing)).toEqual(['A', 'D', 'E', 'F', 'G', 'H', 'I', 'J']);
    expect(marketing.customers.totalCount).toBe(8);
    expect(named(owner)).toHaveLength(10);
    expect(marketing.segments).toEqual(owner.segments);
    expect(marketing.customersScored).toBe(10);
  } finally {
    await testApp.asOwner('update customer set do_not_contact = false where id = $1', [ids.B]);
    await testApp.asOwner('delete from contact_consent where customer_id = $1', [ids.C]);
  }
});

test('RFM: MARKETING reads the scores and segments, never what a customer spent', async () => {
  const result = await rfm(org.tokens.MARKETING, { first: 2 });
  const nodes = result.data!.rfmReport.customers.edges.map((edge: { node: Node }) => edge.node);
  expect(nodes.map((node: Node) => [node.segment, node.monetaryScore, node.monetary])).toEqual([
    ['IMPORTANT_VALUE', 5, null],
    ['GENERAL_VALUE', 3, null],
  ]);
  expect(result.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([
    ['FORBIDDEN', ['rfmReport', 'customers', 'edges', 0, 'node', 'monetary']],
    ['FORBIDDEN', ['rfmReport', 'customers', 'edges', 1, 'node', 'monetary']],
  ]);
  expect(result.data!.rfmReport.segments).toHaveLength(8);
});

test('RFM: asOf moves the window; another organization sees none of these customers', async () => {
  // As of 2026-06-09, only what came before: E's 06-10 visit is not there yet, so E is last seen on
  // 2025-06-30 (344 days) with that visit inside the window (2025-06-10 on).
  const earlier = await rfm(org.tokens.OWNER, { asOf: '2026-06-09' });
  const e = earlier
    .data!.rfmReport.customers.edges.map((edge: { node: Node }) => edge.node)
    .find((node: Node) => node.id === ids.E);
  expect([e.lastVisitOn, e.recencyDays, e.frequency, e.monetary.minorUnits]).toEqual([
    '2025-06-30',
    344,
    1,
    5 * PRICE,
  ]);
  // C's only visit is after that date: C is not scored then.
  expect(earlier.data!.rfmReport).toMatchObject({ customersScored: 9, customersWithoutVisits: 7 });
  const theirs = await rfm(other.tokens.OWNER);
  expect(theirs.data!.rfmReport).toMatchObject({ customersScored: 0, customersWithoutVisits: 2 });
});

test('RFM refuses a bad asOf, a forged cursor and a foreign store as BAD_USER_INPUT naming the argument', async () => {
  for (const [variables, field] of [
    [{ asOf: '2026-02-30' }, 'asOf'],
    [{ after: 'bm90IGEgY3Vyc29y' }, 'after'],
    [{ storeId: other.storeId }, 'storeId'],
    [{ first: -1 }, 'first'],
  ] as const) {
    const result = await rfm(org.tokens.OWNER, variables);
    expect([field, result.errors?.[0].extensions]).toEqual([
      field,
      expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
    ]);
  }
});

test('retention cohorts: by the local month of the first visit, each later month up to `to`', async () => {
  const result = await execute(testApp, org.tokens.MARKETING, COHORTS, { from: '2026-01', to: '2026-06' });
  expect(result.errors).toBeUndefined();
  const point = (monthsLater: number, month: string, customers: number, share: number) => ({
    monthsLater,
    month,
    customers,
    share,
  });
  // January: A and H (A back in May and June); February: L (its 00:30 visit is 31 January in UTC);
  // March: D (back in June) and N (only March); June: C. B, E, F, G, I, J came first before 2026.
  expect(result.data!.retentionCohorts).toEqual({
    from: '2026-01',
    to: '2026-06',
    timeZone: 'Asia/Shanghai',
    cohorts: [
      {
        month: '2026-01',
        customers: 2,
        retention: [
          point(1, '2026-02', 0, 0),
          point(2, '2026-03', 0, 0),
          point(3, '2026-04', 0, 0),
          point(4, '2026-05', 1, 0.5),
          point(5, '2026-06', 1, 0.5),
        ],
      },
      {
        month: '2026-02',
        customers: 1,
        retention: [
          point(1, '2026-03', 0, 0),
          point(2, '2026-04', 0, 0),
          point(3, '2026-05', 0, 0),
          point(4, '2026-06', 0, 0),
        ],
      },
      {
        month: '2026-03',
        customers: 2,
        retention: [point(1, '2026-04', 0, 0), point(2, '2026-05', 0, 0), point(3, '2026-06', 1, 0.5)],
      },
      { month: '2026-04', customers: 0, retention: [point(1, '2026-05', 0, 0), point(2, '2026-06', 0, 0)] },
      { month: '2026-05', customers: 0, retention: [point(1, '2026-06', 0, 0)] },
      { month: '2026-06', customers: 1, retention: [] },
    ],
  });
  for (const [variables, field] of [
    [{ from: '2026-13', to: '2026-06' }, 'from'],
    [{ from: '2026-06', to: '2026-01' }, 'to'],
    [{ from: '2020-01', to: '2023-01' }, 'to'],
  ] as const) {
    const refused = await execute(testApp, org.tokens.OWNER, COHORTS, variables);
    expect([field, refused.errors?.[0].extensions]).toEqual([
      field,
      expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
    ]);
  }
});

test('visit frequency: the period’s visitors by number of visits, settled or not, archived left out', async () => {
  const result = await execute(testApp, org.tokens.MANAGER, FREQUENCY, {
    period: { from: '2025-07-01', to: '2026-06-30' },
  });
  expect(result.errors).toBeUndefined();
  // 1: C, E, H, I, L; 2: D, G; 3–5: A (5 with the unsettled one), B, F; 6–10: N (6); 11+: P (11).
  expect(result.data!.visitFrequencyReport).toEqual({
    visitors: 12,
    visits: 5 * 1 + 2 * 2 + (5 + 3 + 3) + 6 + 11,
    bands: [
      { key: '1', label: '1次', count: 5 },
      { key: '2', label: '2次', count: 2 },
      { key: '3-5', label: '3–5次', count: 3 },
      { key: '6-10', label: '6–10次', count: 1 },
      { key: '11+', label: '11次及以上', count: 1 },
    ],
  });
  const refused = await execute(testApp, org.tokens.OWNER, FREQUENCY, {
    period: { from: '2026-07-01', to: '2026-06-30' },
  });
  expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period.to' });
});

const ROLES = ['OWNER', 'MANAGER', 'MARKETING', 'FRONT_DESK', 'THERAPIST', 'CONSULTANT', 'AUDITOR'] as const;
const REPORTS: [field: string, query: string][] = [
  ['rfmReport', `{ rfmReport(asOf: "${AS_OF}") { customersScored segments { key count } } }`],
  [
    'retentionCohorts',
    `{ retentionCohorts(from: "2026-01", to: "2026-03") { cohorts { month customers } } }`,
  ],
  [
    'visitFrequencyReport',
    `{ visitFrequencyReport(period: { from: "2026-06-01", to: "2026-06-30" }) { visitors bands { count } } }`,
  ],
];

test.each(ROLES)(
  '%s reads these reports only as OWNER, MANAGER or MARKETING; else FORBIDDEN with null',
  async (role) => {
    const allowed = role === 'OWNER' || role === 'MANAGER' || role === 'MARKETING';
    for (const [field, query] of REPORTS) {
      const result = await execute(testApp, org.tokens[role], query);
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

test('a store narrows RFM and visit frequency to its visits; each report is one statement, two with a store', async () => {
  const branch = await rfm(org.tokens.OWNER, { storeId: branchId });
  // Every visit is at the main store. Customers without a visit are those of the branch as home store: none.
  expect(branch.data!.rfmReport).toMatchObject({ customersScored: 0, customersWithoutVisits: 0 });
  const home = await rfm(org.tokens.OWNER, { storeId: org.storeId });
  expect(home.data!.rfmReport.customersScored).toBe(10);
  const period = { from: '2025-07-01', to: '2026-06-30' };
  const frequency = await execute(testApp, org.tokens.OWNER, FREQUENCY, { period, storeId: branchId });
  expect(frequency.data!.visitFrequencyReport.visitors).toBe(0);

  const count = async (query: string, variables: Record<string, unknown>) => {
    await execute(testApp, org.tokens.OWNER, query, variables); // the organization is cached per process
    testApp.statements.reset();
    const result = await execute(testApp, org.tokens.OWNER, query, variables);
    expect(result.errors).toBeUndefined();
    return testApp.statements.count;
  };
  expect(await count(RFM, { asOf: AS_OF, first: 20 })).toBe(1);
  expect(await count(RFM, { asOf: AS_OF, first: 20, storeId: org.storeId })).toBe(2);
  expect(await count(COHORTS, { from: '2026-01', to: '2026-06' })).toBe(1);
  expect(await count(FREQUENCY, { period })).toBe(1);
  expect(await count(FREQUENCY, { period, storeId: branchId })).toBe(2);
});
