import { AppointmentStatus } from '../../src/entities/booking/booking.enums';
import { Customer } from '../../src/entities';
import { todayIn } from '../../src/core/time';
import { addDays } from '../../src/services/reports/period';
import {
  addLeave,
  createCatalogue,
  insertAppointment,
  type CatalogueFixture,
} from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { newKey } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;
let menu: CatalogueFixture;
let integrationKey: string;

const ZONE = 'Asia/Shanghai';
const DAY = 86_400_000;
const REPORT = `query($period: ReportPeriodInput!, $storeId: ID, $staffId: ID) {
  staffPerformanceReport(period: $period, storeId: $storeId, staffId: $staffId) {
    from to timeZone revenueAttributed { minorUnits currency }
    therapists { staffId name servicesPerformed visits revenueAttributed { minorUnits } averageSatisfaction
      customersServed customersRebooked rebookingRate complaints bookedMinutes workingMinutes utilisation }
    consultants { staffId name assignedCustomers visits spend { minorUnits } } } }`;
const REVENUE = `query($period: ReportPeriodInput!) { revenueReport(period: $period) {
  total { servicesConsumed { minorUnits } settlements } } }`;

const period = () => ({ from: addDays(todayIn(ZONE), -20), to: todayIn(ZONE) });
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

async function visit(customerId: string, therapists: string[], days: number, satisfaction?: number) {
  const result = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId,
        storeId: org.storeId,
        visitedAt: daysAgo(days).toISOString(),
        satisfaction,
        lines: therapists.map((therapistId) => ({ serviceId: menu.massage.id, therapistId })),
      },
    },
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.recordVisit.id as string;
}

async function settleInCash(visitId: string, amount: number) {
  const result = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: SettleVisitInput!) { settleVisit(input: $input) { settlement { due { minorUnits } } } }`,
    {
      input: {
        idempotencyKey: newKey('settle'),
        visitId,
        externalPayments: [{ method: 'CASH', amountMinorUnits: amount }],
      },
    },
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
}

const report = (token: string, variables: Record<string, unknown> = {}) =>
  execute(testApp, token, REPORT, { period: period(), ...variables });

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家美容院');
  menu = await createCatalogue(testApp, org);
  const key = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createApiKey(input: { name: "收银系统" }) { secret } }`,
  );
  integrationKey = key.data!.createApiKey.secret;
  // A tier of 3.33 %: ¥594 of three massages is ¥19.78 off, which splits 6.59 + 6.59 + 6.60 over the lines.
  const tier = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation($input: MembershipTierInput!) { createMembershipTier(input: $input) { id } }`,
    {
      input: {
        name: '银卡',
        rank: 1,
        discountBasisPoints: 333,
        pointsMultiplierPercent: 100,
        minSpendMinorUnits: 0,
      },
    },
  );
  if (tier.errors) throw new Error(JSON.stringify(tier.errors));
  const therapist = org.users.THERAPIST.id;
  const colleague = org.users.OTHER_THERAPIST.id;

  // A (the consultant's): three massages 15 days ago, two by THERAPIST, one by the colleague, rated 5;
  // back 3 days ago with THERAPIST, rated 3. Both visits settled in cash with the tier discount.
  const a = await createCustomer(testApp, org, '绩效甲', { consultantId: org.users.CONSULTANT.id });
  const em = testApp.orm.em.fork();
  await em.nativeUpdate(
    Customer,
    { id: a.id },
    { tier: tier.data!.createMembershipTier.id },
    { filters: false },
  );
  await settleInCash(await visit(a.id, [therapist, therapist, colleague], 15, 5), 59_400 - 1_978);
  await settleInCash(await visit(a.id, [therapist], 3, 3), 19_800 - 659);
  // B: the colleague 10 days ago, rated 4, not settled, never back.
  const b = await createCustomer(testApp, org, '绩效乙');
  await visit(b.id, [colleague], 10, 4);
  // C: THERAPIST 12 days ago, then booked again (today): rebooked.
  const c = await createCustomer(testApp, org, '绩效丙');
  await visit(c.id, [therapist], 12);
  await insertAppointment(testApp, org, {
    customerId: c.id,
    therapistId: therapist,
    service: menu.massage,
    startsAt: daysAgo(-7),
  });
  // D: THERAPIST 18 days ago; the booking made since (for yesterday) was cancelled: not rebooked, not booked minutes.
  const d = await createCustomer(testApp, org, '绩效丁');
  await visit(d.id, [therapist], 18);
  await insertAppointment(testApp, org, {
    customerId: d.id,
    therapistId: therapist,
    service: menu.massage,
    startsAt: daysAgo(1),
    status: AppointmentStatus.CANCELLED,
  });
  // A's massage with THERAPIST 2 days ago was booked (60 minutes); THERAPIST took yesterday off.
  await insertAppointment(testApp, org, {
    customerId: a.id,
    therapistId: therapist,
    service: menu.massage,
    startsAt: daysAgo(2),
    status: AppointmentStatus.COMPLETED,
  });
  await addLeave(testApp, org, therapist, addDays(todayIn(ZONE), -1));
  // A complaint about the colleague.
  const complaint = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: FileComplaintInput!) { fileComplaint(input: $input) { id } }`,
    {
      input: {
        customerId: b.id,
        storeId: org.storeId,
        channel: 'PHONE',
        subject: '力度太大',
        description: '推拿后肩膀酸痛',
        therapistId: colleague,
      },
    },
  );
  if (complaint.errors) throw new Error(JSON.stringify(complaint.errors));
});
afterAll(() => testApp.close());

function expectedTherapist() {
  return {
    staffId: org.users.THERAPIST.id,
    name: org.users.THERAPIST.displayName,
    servicesPerformed: 5,
    visits: 4,
    // A's first visit: 2 × (198.00 − 6.59); A's second: 198.00 − 6.59.
    revenueAttributed: { minorUnits: 2 * 19_141 + 19_141 },
    averageSatisfaction: 4,
    customersServed: 3,
    // A came back, C booked again; D's booking was cancelled.
    customersRebooked: 2,
    rebookingRate: 0.6667,
    complaints: 0,
    // 08:00–24:00 on the period's 21 days but the day off: 20 × 960 minutes.
    bookedMinutes: 60,
    workingMinutes: 19_200,
    utilisation: 0.0031,
  };
}

function expectedColleague() {
  return {
    staffId: org.users.OTHER_THERAPIST.id,
    name: org.users.OTHER_THERAPIST.displayName,
    servicesPerformed: 2,
    visits: 2,
    // The last line of A's first visit takes the rest of the discount: 198.00 − 6.60.
    revenueAttributed: { minorUnits: 19_140 },
    averageSatisfaction: 4.5,
    customersServed: 2,
    customersRebooked: 1,
    rebookingRate: 0.5,
    complaints: 1,
    bookedMinutes: 0,
    workingMinutes: 21 * 960,
    utilisation: 0,
  };
}

function expectedConsultant() {
  return {
    staffId: org.users.CONSULTANT.id,
    name: org.users.CONSULTANT.displayName,
    // A and the fixture's 张三.
    assignedCustomers: 2,
    visits: 2,
    spend: { minorUnits: 57_422 + 19_141 },
  };
}

test('per therapist and consultant: services, revenue at the settled price, satisfaction, rebooking, complaints', async () => {
  const result = await report(org.tokens.OWNER);
  expect(result.errors).toBeUndefined();
  const data = result.data!.staffPerformanceReport;
  expect(data).toMatchObject({ ...period(), timeZone: ZONE });
  expect(data.therapists).toEqual([expectedTherapist(), expectedColleague()]);
  expect(data.consultants).toEqual([expectedConsultant()]);
  expect(data.revenueAttributed).toEqual({ minorUnits: 76_563, currency: 'CNY' });
});

test('reconciliation: revenue attributed over all therapists equals services consumed of revenueReport', async () => {
  const staff = await report(org.tokens.MANAGER);
  const revenue = await execute(testApp, org.tokens.MANAGER, REVENUE, { period: period() });
  const consumed = revenue.data!.revenueReport.total.servicesConsumed.minorUnits;
  const attributed = staff.data!.staffPerformanceReport.therapists.reduce(
    (sum: number, row: { revenueAttributed: { minorUnits: number } }) =>
      sum + row.revenueAttributed.minorUnits,
    0,
  );
  // Rounding each line's share on its own (6.59 three times) would lose a 分 here.
  expect([attributed, staff.data!.staffPerformanceReport.revenueAttributed.minorUnits]).toEqual([
    consumed,
    consumed,
  ]);
  expect([consumed, revenue.data!.revenueReport.total.settlements]).toEqual([76_563, 2]);
});

test('a therapist sees only their own row, never a colleague, even naming them', async () => {
  const own = await report(org.tokens.THERAPIST);
  expect(own.errors).toBeUndefined();
  expect(own.data!.staffPerformanceReport.therapists).toEqual([expectedTherapist()]);
  expect(own.data!.staffPerformanceReport.consultants).toEqual([]);
  const colleague = await report(org.tokens.THERAPIST, { staffId: org.users.OTHER_THERAPIST.id });
  expect(colleague.errors).toBeUndefined();
  expect(colleague.data!.staffPerformanceReport).toMatchObject({
    therapists: [],
    consultants: [],
    revenueAttributed: { minorUnits: 0 },
  });
  const self = await report(org.tokens.OTHER_THERAPIST, { staffId: org.users.OTHER_THERAPIST.id });
  expect(self.data!.staffPerformanceReport.therapists).toEqual([expectedColleague()]);
});

test('a consultant sees only their own customers; the owner may narrow to one person', async () => {
  const own = await report(org.tokens.CONSULTANT);
  expect(own.data!.staffPerformanceReport.therapists).toEqual([]);
  expect(own.data!.staffPerformanceReport.consultants).toEqual([expectedConsultant()]);
  const otherConsultant = await report(org.tokens.OTHER_CONSULTANT, { staffId: org.users.CONSULTANT.id });
  expect(otherConsultant.data!.staffPerformanceReport.consultants).toEqual([]);
  const one = await report(org.tokens.OWNER, { staffId: org.users.OTHER_THERAPIST.id });
  expect(one.data!.staffPerformanceReport.therapists).toEqual([expectedColleague()]);
  expect(one.data!.staffPerformanceReport.consultants).toEqual([]);
});

const ROLES = [
  'OWNER',
  'MANAGER',
  'THERAPIST',
  'CONSULTANT',
  'MARKETING',
  'FRONT_DESK',
  'AUDITOR',
  'INTEGRATION',
] as const;

test.each(ROLES)(
  '%s: OWNER, MANAGER, THERAPIST, CONSULTANT read it; others FORBIDDEN with null',
  async (role) => {
    const token = role === 'INTEGRATION' ? integrationKey : org.tokens[role];
    const result = await report(token);
    if (['OWNER', 'MANAGER', 'THERAPIST', 'CONSULTANT'].includes(role)) {
      expect(result.errors).toBeUndefined();
      expect(result.data!.staffPerformanceReport).not.toBeNull();
    } else {
      expect([result.errors?.[0].extensions?.code, result.errors?.[0].path]).toEqual([
        'FORBIDDEN',
        ['staffPerformanceReport'],
      ]);
      expect(result.data?.staffPerformanceReport ?? null).toBeNull();
    }
  },
);

test('bad arguments are BAD_USER_INPUT naming them; another organization sees none of it', async () => {
  const foreign = await report(org.tokens.OWNER, { storeId: other.storeId });
  expect(foreign.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'storeId' });
  const malformed = await report(org.tokens.OWNER, { staffId: 'nobody' });
  expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'staffId' });
  const backwards = await execute(testApp, org.tokens.OWNER, REPORT, {
    period: { from: todayIn(ZONE), to: addDays(todayIn(ZONE), -1) },
  });
  expect(backwards.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period.to' });
  const theirs = await execute(testApp, other.tokens.OWNER, REPORT, { period: period() });
  expect(theirs.data!.staffPerformanceReport).toMatchObject({
    therapists: [],
    consultants: [expect.objectContaining({ assignedCustomers: 1, visits: 0, spend: { minorUnits: 0 } })],
    revenueAttributed: { minorUnits: 0 },
  });
  const branch = await report(org.tokens.OWNER, { storeId: org.storeId });
  expect(branch.data!.staffPerformanceReport.therapists).toEqual([expectedTherapist(), expectedColleague()]);
});

test('the report is one statement (two with a store)', async () => {
  const count = async (variables: Record<string, unknown>) => {
    await report(org.tokens.OWNER, variables); // the organization is cached per process
    testApp.statements.reset();
    const result = await report(org.tokens.OWNER, variables);
    expect(result.errors).toBeUndefined();
    return testApp.statements.count;
  };
  expect(await count({})).toBe(1);
  expect(await count({ storeId: org.storeId })).toBe(2);
});
