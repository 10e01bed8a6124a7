import { Customer, Store, Visit } from '../../src/entities';
import { CustomerSource, CustomerStatus, Gender } from '../../src/entities/customers/customers.enums';
import { pinyinKeys } from '../../src/services/customers/pinyin';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { todayIn } from '../../src/core/time';

let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;
let branchId: string;
let goldTierId: string;
let sequence = 0;

const DAY = 86_400_000;
/** An instant given as Asia/Shanghai wall-clock time (UTC+8, no daylight saving). */
const shanghai = (local: string) => new Date(`${local}+08:00`);

interface CustomerSeed {
  createdAt: Date;
  source?: CustomerSource;
  gender?: Gender;
  birthday?: string;
  homeStoreId?: string;
  tierId?: string;
  lastVisitAt?: Date;
  statusOverride?: CustomerStatus;
  archivedAt?: Date;
}

async function addCustomers(fixture: OrganizationFixture, seeds: CustomerSeed[]): Promise<Customer[]> {
  const em = testApp.orm.em.fork();
  const customers = seeds.map((seed) => {
    const name = `报表客户${++sequence}`;
    const keys = pinyinKeys(name);
    return em.create(Customer, {
      organization: fixture.organizationId,
      name,
      code: `R${process.env.JEST_WORKER_ID ?? 0}${String(sequence).padStart(6, '0')}`,
      namePinyin: keys.full,
      nameInitials: keys.initials,
      createdAt: seed.createdAt,
      source: seed.source,
      gender: seed.gender,
      birthday: seed.birthday,
      homeStore: seed.homeStoreId,
      tier: seed.tierId,
      lastVisitAt: seed.lastVisitAt,
      statusOverride: seed.statusOverride,
      archivedAt: seed.archivedAt,
    });
  });
  await em.flush();
  return customers;
}

async function addVisits(visits: { customer: Customer; storeId: string; at: Date }[]) {
  const em = testApp.orm.em.fork();
  for (const visit of visits)
    em.create(Visit, {
      organization: org.organizationId,
      store: visit.storeId,
      customer: visit.customer.id,
      visitedAt: visit.at,
    });
  await em.flush();
}

const GROWTH = `query($period: ReportPeriodInput!, $storeId: ID, $groupBy: CustomerGrowthGrouping) {
  customerGrowthReport(period: $period, storeId: $storeId, groupBy: $groupBy) {
    period { from to grain timeZone previous { from to } lastYear { from to } }
    series { from to count } total previousTotal lastYearTotal
    groups { key label total series { from count } } } }`;
const COMPOSITION = `query($period: ReportPeriodInput!, $storeId: ID) {
  customerCompositionReport(period: $period, storeId: $storeId) {
    total byTier { key label count } byGender { key label count } byAgeBand { key count }
    bySource { key label count } newVisitors returningVisitors } }`;
const ACTIVITY = `query($storeId: ID) { customerActivityReport(storeId: $storeId) {
  total active dormant lost churnRate } }`;
const NOVEMBER = { from: '2026-11-01', to: '2026-11-30', grain: 'WEEK' };

let november: Customer[];

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家美容院');
  const em = testApp.orm.em.fork();
  const branch = em.create(Store, { organization: org.organizationId, name: '分店', code: 'B1' });
  await em.flush();
  branchId = branch.id;
  const tier = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createMembershipTier(input: { name: "金卡", rank: 2, discountBasisPoints: 1000,
      pointsMultiplierPercent: 150, minSpendMinorUnits: 100000 }) { id } }`,
  );
  if (tier.errors) throw new Error(JSON.stringify(tier.errors));
  goldTierId = tier.data!.createMembershipTier.id;
  november = await addCustomers(org, [
    // 00:30 on 1 November in Shanghai is still 31 October in UTC: it belongs to November.
    {
      createdAt: shanghai('2026-11-01T00:30:00'),
      source: CustomerSource.REFERRAL,
      gender: Gender.FEMALE,
      birthday: '1990-05-01',
      homeStoreId: org.storeId,
      tierId: goldTierId,
    },
    {
      createdAt: shanghai('2026-11-03T10:00:00'),
      source: CustomerSource.REFERRAL,
      gender: Gender.FEMALE,
      birthday: '2005-01-01',
      homeStoreId: branchId,
    },
    {
      createdAt: shanghai('2026-11-03T18:00:00'),
      source: CustomerSource.ONLINE,
      gender: Gender.MALE,
      birthday: '1960-12-31',
      homeStoreId: org.storeId,
    },
    { createdAt: shanghai('2026-11-20T09:00:00'), homeStoreId: branchId },
    // 00:30 on 1 December in Shanghai is 30 November in UTC: it is not November's.
    { createdAt: shanghai('2026-12-01T00:30:00'), source: CustomerSource.WALK_IN },
    // Archived customers are left out of every report.
    { createdAt: shanghai('2026-11-10T12:00:00'), source: CustomerSource.ONLINE, archivedAt: new Date() },
  ]);
  await addCustomers(org, [
    { createdAt: shanghai('2026-10-15T12:00:00'), source: CustomerSource.WALK_IN }, // 环比
    { createdAt: shanghai('2026-10-31T23:59:00'), source: CustomerSource.WALK_IN }, // 环比, last minute
    { createdAt: shanghai('2025-11-30T12:00:00'), source: CustomerSource.ONLINE }, // 同比
  ]);
  // A November customer of another organization is in nobody's report here.
  await addCustomers(other, [{ createdAt: shanghai('2026-11-05T12:00:00'), source: CustomerSource.ONLINE }]);
});
afterAll(() => testApp.close());

test('growth: new customers per week from Monday, zero-filled, in Shanghai days, with 环比 and 同比', async () => {
  const result = await execute(testApp, org.tokens.MANAGER, GROWTH, { period: NOVEMBER });
  expect(result.errors).toBeUndefined();
  const report = result.data!.customerGrowthReport;
  expect(report.period).toEqual({
    from: '2026-11-01',
    to: '2026-11-30',
    grain: 'WEEK',
    timeZone: 'Asia/Shanghai',
    previous: { from: '2026-10-01', to: '2026-10-31' },
    lastYear: { from: '2025-11-01', to: '2025-11-30' },
  });
  expect(report.series).toEqual([
    { from: '2026-11-01', to: '2026-11-01', count: 1 },
    { from: '2026-11-02', to: '2026-11-08', count: 2 },
    { from: '2026-11-09', to: '2026-11-15', count: 0 },
    { from: '2026-11-16', to: '2026-11-22', count: 1 },
    { from: '2026-11-23', to: '2026-11-29', count: 0 },
    { from: '2026-11-30', to: '2026-11-30', count: 0 },
  ]);
  expect([report.total, report.previousTotal, report.lastYearTotal]).toEqual([4, 2, 1]);
  expect(report.groups).toEqual([]);
});

test('growth by source and by home store; a store narrows it to its customers', async () => {
  const bySource = await execute(testApp, org.tokens.MARKETING, GROWTH, {
    period: { ...NOVEMBER, grain: 'MONTH' },
    groupBy: 'SOURCE',
  });
  expect(bySource.errors).toBeUndefined();
  expect(
    bySource.data!.customerGrowthReport.groups.map((group: { key: string; label: string; total: number }) => [
      group.key,
      group.label,
      group.total,
    ]),
  ).toEqual([
    ['REFERRAL', '转介绍', 2],
    ['ONLINE', '线上', 1],
    ['UNKNOWN', '未填写', 1],
  ]);
  const byStore = await execute(testApp, org.tokens.OWNER, GROWTH, {
    period: { ...NOVEMBER, grain: 'MONTH' },
    groupBy: 'STORE',
  });
  expect(
    byStore.data!.customerGrowthReport.groups.map((group: { key: string; label: string; total: number }) => [
      group.key,
      group.label,
      group.total,
    ]),
  ).toEqual(
    [
      [org.storeId, '总店', 2],
      [branchId, '分店', 2],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
  const branch = await execute(testApp, org.tokens.OWNER, GROWTH, { period: NOVEMBER, storeId: branchId });
  expect(branch.data!.customerGrowthReport.total).toBe(2);
  expect(branch.data!.customerGrowthReport.series.map((point: { count: number }) => point.count)).toEqual([
    0, 1, 0, 1, 0, 0,
  ]);
});

test('composition: tier, gender, age band and source of live customers; new and returning visitors', async () => {
  const [first, second, third] = november;
  // first came before November (returning); second and third came first in November (new).
  await addVisits([
    { customer: first, storeId: org.storeId, at: shanghai('2026-10-20T10:00:00') },
    { customer: first, storeId: org.storeId, at: shanghai('2026-11-05T10:00:00') },
    { customer: first, storeId: branchId, at: shanghai('2026-11-06T10:00:00') },
    { customer: second, storeId: branchId, at: shanghai('2026-11-07T10:00:00') },
    { customer: third, storeId: org.storeId, at: shanghai('2026-11-30T23:00:00') },
    { customer: third, storeId: org.storeId, at: shanghai('2026-12-01T00:10:00') },
  ]);
  const result = await execute(testApp, org.tokens.MARKETING, COMPOSITION, { period: NOVEMBER });
  expect(result.errors).toBeUndefined();
  const report = result.data!.customerCompositionReport;
  // The fixture's two customers, the five November ones not archived… and the three of the comparisons.
  expect(report.total).toBe(2 + 5 + 3);
  expect(report.byTier).toEqual([
    { key: 'NONE', label: '无等级', count: 9 },
    { key: goldTierId, label: '金卡', count: 1 },
  ]);
  expect(report.byGender).toEqual([
    { key: 'UNKNOWN', label: '未填写', count: 7 },
    { key: 'FEMALE', label: '女', count: 2 },
    { key: 'MALE', label: '男', count: 1 },
  ]);
  // Ages on today's date in Shanghai: born 2005 (under 25 until 2030), 1990 (35 in 2026), 1960 (65).
  expect(report.byAgeBand).toEqual([
    { key: 'UNDER_25', count: 1 },
    { key: 'FROM_25_TO_34', count: 0 },
    { key: 'FROM_35_TO_44', count: 1 },
    { key: 'FROM_45_TO_54', count: 0 },
    { key: 'FROM_55', count: 1 },
    { key: 'UNKNOWN', count: 7 },
  ]);
  expect(report.bySource).toContainEqual({ key: 'WALK_IN', label: '自然到店', count: 3 });
  expect([report.newVisitors, report.returningVisitors]).toEqual([2, 1]);
  const branch = await execute(testApp, org.tokens.OWNER, COMPOSITION, {
    period: NOVEMBER,
    storeId: branchId,
  });
  const atBranch = branch.data!.customerCompositionReport;
  expect([atBranch.total, atBranch.newVisitors, atBranch.returningVisitors]).toEqual([2, 1, 1]);
});

test('composition: an age band starts on the birthday itself, also for one born on 29 February', async () => {
  const fixture = await createOrganization(testApp, '生日边界美容院');
  const today = todayIn('Asia/Shanghai');
  const yearsAgo = (years: number, days = 0) => {
    const date = new Date(`${today}T00:00:00Z`);
    date.setUTCFullYear(date.getUTCFullYear() - years);
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
  };
  const createdAt = new Date();
  await addCustomers(fixture, [
    { createdAt, birthday: yearsAgo(25) }, // 25 today
    { createdAt, birthday: yearsAgo(25, 1) }, // 25 tomorrow
    { createdAt, birthday: yearsAgo(55) }, // 55 today
    { createdAt, birthday: yearsAgo(55, 1) },
    // 29 February 2000: 24 until the first day after 28 February 2025 (age() counts so).
    { createdAt, birthday: '2000-02-29' },
  ]);
  const result = await execute(testApp, fixture.tokens.OWNER, COMPOSITION, { period: NOVEMBER });
  expect(result.errors).toBeUndefined();
  const bands = Object.fromEntries(
    result.data!.customerCompositionReport.byAgeBand.map((band: { key: string; count: number }) => [
      band.key,
      band.count,
    ]),
  );
  const leapDayBand =
    today < '2025-03-01' ? 'UNDER_25' : today < '2035-03-01' ? 'FROM_25_TO_34' : 'FROM_35_TO_44';
  const expected: Record<string, number> = {
    UNDER_25: 1,
    FROM_25_TO_34: 1,
    FROM_35_TO_44: 0,
    FROM_45_TO_54: 1,
    FROM_55: 1,
    UNKNOWN: 2, // the fixture's own two customers have no birthday
  };
  expected[leapDayBand] += 1;
  expect(bands).toEqual(expected);
});

test("activity: the counts equal the customers' own status field, and the churn rate is lost / total", async () => {
  const now = Date.now();
  // The organization's thresholds are 90 days (DORMANT) and 180 days (LOST) unless changed.
  await addCustomers(org, [
    { createdAt: new Date(now - 400 * DAY), lastVisitAt: new Date(now - 10 * DAY) },
    { createdAt: new Date(now - 400 * DAY), lastVisitAt: new Date(now - 100 * DAY) },
    { createdAt: new Date(now - 400 * DAY), lastVisitAt: new Date(now - 200 * DAY) },
    { createdAt: new Date(now - 400 * DAY) },
    { createdAt: new Date(now - 400 * DAY), statusOverride: CustomerStatus.ACTIVE },
    { createdAt: new Date(now), statusOverride: CustomerStatus.LOST },
    { createdAt: new Date(now), statusOverride: CustomerStatus.DORMANT },
  ]);
  const listed = await execute(
    testApp,
    org.tokens.OWNER,
    `{ customers(first: 100) { edges { node { status } } } }`,
  );
  expect(listed.errors).toBeUndefined();
  const statuses = listed.data!.customers.edges.map((edge: { node: { status: string } }) => edge.node.status);
  const count = (status: string) => statuses.filter((value: string) => value === status).length;
  const result = await execute(testApp, org.tokens.MARKETING, ACTIVITY);
  expect(result.errors).toBeUndefined();
  const report = result.data!.customerActivityReport;
  expect(report).toEqual({
    total: statuses.length,
    active: count('ACTIVE'),
    dormant: count('DORMANT'),
    lost: count('LOST'),
    churnRate: Math.round((count('LOST') / statuses.length) * 10_000) / 10_000,
  });
  // Not a trivial equality: every status occurs.
  expect([report.active > 0, report.dormant > 0, report.lost > 1]).toEqual([true, true, true]);
});

test('bad input names the argument: reversed period, a DAY series over 3 years, a store not of the organization', async () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [GROWTH, { period: { from: '2026-11-30', to: '2026-11-01' } }, 'period.to'],
    [GROWTH, { period: { from: '2020-01-01', to: '2023-06-30', grain: 'DAY' } }, 'period.grain'],
    [GROWTH, { period: NOVEMBER, storeId: other.storeId }, 'storeId'],
    [COMPOSITION, { period: NOVEMBER, storeId: '00000000-0000-4000-8000-000000000000' }, 'storeId'],
    [ACTIVITY, { storeId: 'not-a-store' }, 'storeId'],
    [COMPOSITION, { period: { from: '2026-02-30', to: '2026-03-01' } }, 'period.from'],
  ];
  for (const [query, variables, field] of cases) {
    const result = await execute(testApp, org.tokens.OWNER, query, variables);
    expect([field, result.errors?.[0].extensions]).toEqual([
      field,
      expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
    ]);
  }
});

test("every report reads only the viewer's organization: the other one sees its own customer", async () => {
  const result = await execute(testApp, other.tokens.OWNER, GROWTH, { period: NOVEMBER });
  expect(result.data!.customerGrowthReport.total).toBe(1);
  const activity = await execute(testApp, other.tokens.OWNER, ACTIVITY);
  expect(activity.data!.customerActivityReport.total).toBe(3);
});

test('each customer report is one statement, and one more to check a store', async () => {
  const count = async (query: string, variables: Record<string, unknown>) => {
    await execute(testApp, org.tokens.OWNER, query, variables); // the organization is cached per process
    testApp.statements.reset();
    const result = await execute(testApp, org.tokens.OWNER, query, variables);
    expect(result.errors).toBeUndefined();
    return testApp.statements.count;
  };
  expect(await count(GROWTH, { period: NOVEMBER, groupBy: 'STORE' })).toBe(1);
  expect(await count(GROWTH, { period: NOVEMBER, storeId: branchId })).toBe(2);
  expect(await count(COMPOSITION, { period: NOVEMBER })).toBe(1);
  expect(await count(ACTIVITY, { storeId: org.storeId })).toBe(2);
});
