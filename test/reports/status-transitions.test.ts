import { Customer, Store, Visit } from '../../src/entities';
import { CustomerStatus } from '../../src/entities/customers/customers.enums';
import { todayIn } from '../../src/core/time';
import { addDays } from '../../src/services/reports/period';
import { pinyinKeys } from '../../src/services/customers/pinyin';
import { deriveStatus } from '../../src/services/customers/customer-status';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
let branchId: string;

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const today = () => todayIn('Asia/Shanghai');
const LAST_30_DAYS = () => ({ from: addDays(today(), -29), to: today() });
const QUERY = `query($period: ReportPeriodInput!, $storeId: ID) { customerActivityReport(storeId: $storeId) {
  total transitions(period: $period) { period { from to } activeToDormant dormantToLost dormantToActive lostToActive } } }`;

let sequence = 0;
/** A customer created `createdDaysAgo` with visits that many days ago (the organization's 90 / 180 days). */
async function customer(
  createdDaysAgo: number,
  visitsDaysAgo: number[],
  extra: { statusOverride?: CustomerStatus; homeStoreId?: string; fixture?: OrganizationFixture } = {},
) {
  const owner = extra.fixture ?? org;
  const em = testApp.orm.em.fork();
  const name = `流转客户${++sequence}`;
  const keys = pinyinKeys(name);
  const latest = visitsDaysAgo.length ? Math.min(...visitsDaysAgo) : undefined;
  const row = em.create(Customer, {
    organization: owner.organizationId,
    name,
    code: `T${process.env.JEST_WORKER_ID ?? 0}${String(sequence).padStart(6, '0')}`,
    namePinyin: keys.full,
    nameInitials: keys.initials,
    createdAt: ago(createdDaysAgo),
    lastVisitAt: latest === undefined ? undefined : ago(latest),
    statusOverride: extra.statusOverride,
    homeStore: extra.homeStoreId ?? owner.storeId,
  });
  for (const days of visitsDaysAgo)
    em.create(Visit, {
      organization: owner.organizationId,
      store: owner.storeId,
      customer: row,
      visitedAt: ago(days),
    });
  await em.flush();
}

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  const em = testApp.orm.em.fork();
  branchId = em.create(Store, { organization: org.organizationId, name: '分店', code: 'B1' }).id;
  await em.flush();
  await customer(200, [100]); // DORMANT 10 days ago (100 − 90)
  await customer(95, []); // never came: DORMANT 5 days ago, from the record's creation
  await customer(400, [190]); // LOST 10 days ago (190 − 180); DORMANT 100 days ago, before the period
  await customer(400, [120, 5]); // back 5 days ago after 115 days: DORMANT → ACTIVE
  await customer(400, [300, 3]); // back 3 days ago after 297 days: LOST → ACTIVE
  await customer(2, []); // new: no move
  await customer(200, [100], { statusOverride: CustomerStatus.ACTIVE }); // set by staff: left out
  await customer(200, [100], { homeStoreId: branchId }); // another home store
});
afterAll(() => testApp.close());

test('status transitions in a period, replayed from visits and the 90 / 180 day thresholds', async () => {
  const result = await execute(testApp, org.tokens.MANAGER, QUERY, {
    period: LAST_30_DAYS(),
    storeId: org.storeId,
  });
  expect(result.errors).toBeUndefined();
  expect(result.data!.customerActivityReport.transitions).toEqual({
    period: LAST_30_DAYS(),
    activeToDormant: 2,
    dormantToLost: 1,
    dormantToActive: 1,
    lostToActive: 1,
  });
  const everywhere = await execute(testApp, org.tokens.MARKETING, QUERY, { period: LAST_30_DAYS() });
  expect(everywhere.data!.customerActivityReport.transitions.activeToDormant).toBe(3);
});

test('moves before the period are not in it; the future has none yet', async () => {
  const before = await execute(testApp, org.tokens.OWNER, QUERY, {
    period: { from: addDays(today(), -120), to: addDays(today(), -101) },
    storeId: org.storeId,
  });
  // 110 days ago the first customer (created 200 days ago) became DORMANT; 120 days ago the one
  // seen 300 days ago became LOST, and the one created 400 days ago came back after 280 days.
  expect(before.data!.customerActivityReport.transitions).toMatchObject({
    activeToDormant: 1,
    dormantToLost: 1,
    dormantToActive: 0,
    lostToActive: 1,
  });
  const ahead = await execute(testApp, org.tokens.OWNER, QUERY, {
    period: { from: addDays(today(), 1), to: addDays(today(), 200) },
    storeId: org.storeId,
  });
  expect(ahead.data!.customerActivityReport.transitions).toMatchObject({
    activeToDormant: 0,
    dormantToLost: 0,
    dormantToActive: 0,
    lostToActive: 0,
  });
});

test('transitions are read by the roles of customerActivityReport only', async () => {
  for (const role of ['FRONT_DESK', 'THERAPIST', 'CONSULTANT', 'AUDITOR'] as const) {
    const result = await execute(testApp, org.tokens[role], QUERY, { period: LAST_30_DAYS() });
    expect([role, result.errors?.[0].extensions?.code]).toEqual([role, 'FORBIDDEN']);
  }
  const bad = await execute(testApp, org.tokens.OWNER, QUERY, {
    period: { from: today(), to: addDays(today(), -1) },
  });
  expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period.to' });
});

test('the replay agrees with deriveStatus sampled hour by hour over the period, on random histories', async () => {
  const sampled = await createOrganization(testApp, '抽样店');
  // A fixed pseudo-random sequence: histories with gaps around both thresholds.
  let seed = 20261201;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const histories: { createdAt: Date; visits: Date[] }[] = [];
  for (let index = 0; index < 25; index++) {
    const createdDaysAgo = 250 + random() * 200;
    const visitsDaysAgo = Array.from({ length: Math.floor(random() * 5) }, () => random() * createdDaysAgo);
    await customer(createdDaysAgo, visitsDaysAgo, { fixture: sampled });
    histories.push({ createdAt: ago(createdDaysAgo), visits: visitsDaysAgo.map(ago) });
  }
  const period = { from: addDays(today(), -89), to: today() };
  const result = await execute(testApp, sampled.tokens.OWNER, QUERY, { period });
  expect(result.errors).toBeUndefined();
  const { period: answered, ...moves } = result.data!.customerActivityReport.transitions;
  expect(answered).toEqual(period);
  const start = new Date(`${period.from}T00:00:00+08:00`).getTime();
  const counted = { activeToDormant: 0, dormantToLost: 0, dormantToActive: 0, lostToActive: 0 };
  const thresholds = { dormantAfterDays: 90, lostAfterDays: 180 };
  for (const history of histories) {
    const statusAt = (time: number) => {
      const before = history.visits.filter((visit) => visit.getTime() <= time);
      const lastVisitAt = before.length
        ? new Date(Math.max(...before.map((visit) => visit.getTime())))
        : null;
      return deriveStatus({ createdAt: history.createdAt, lastVisitAt }, thresholds, new Date(time));
    };
    let status = statusAt(start);
    for (let time = start + 3_600_000; time < Date.now(); time += 3_600_000) {
      const next = statusAt(time);
      if (next !== status) {
        const key =
          `${status.toLowerCase()}To${next[0]}${next.slice(1).toLowerCase()}` as keyof typeof counted;
        counted[key]++;
        status = next;
      }
    }
  }
  expect(moves).toEqual(counted);
  expect(Object.values(counted).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(3);
});
