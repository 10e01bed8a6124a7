import { todayIn } from '../../src/core/time';
import { refreshDueRfmSnapshots } from '../../src/jobs/rfm-snapshot.job';
import { addDays } from '../../src/services/reports/period';
import type { ReportScope } from '../../src/services/reports/report-scope';
import { rfmReport } from '../../src/services/reports/rfm';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type GraphQLResult, type TestApp } from '../support/test-app';
import { recordSettledVisit, createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;
let menu: CatalogueFixture;
const ids: Record<string, string> = {};

const ZONE = 'Asia/Shanghai';
const PRICE = 19_800;
/** Noon, Shanghai wall-clock time, `days` local days before today. */
const daysAgo = (days: number) => new Date(`${addDays(todayIn(ZONE), -days)}T12:00:00+08:00`);

const RFM = `query($first: Int, $after: String) {
  rfmReport(first: $first, after: $after) {
    asOf windowFrom computedAt customersScored customersWithoutVisits segments { key count }
    customers { totalCount pageInfo { hasNextPage endCursor } edges { node {
      id lastVisitOn recencyDays frequency monetary { minorUnits } recencyScore frequencyScore monetaryScore
      segment } } } } }`;
const REQUEST = `mutation { requestRfmSnapshot }`;
const PREVIEW = `query($rule: SegmentRuleInput!) {
  segmentPreview(rule: $rule, first: 100) { totalCount edges { node { id } } } }`;

async function visit(customerId: string, at: Date, lines: number, settled = true) {
  await recordSettledVisit(testApp, org, menu, { customerId, at, lines, pricePerLine: PRICE, settled });
}

/** Customers A–L with settled visits of different recency, frequency and size; M, N none settled. */
beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家养生馆');
  menu = await createCatalogue(testApp, org);
  for (const letter of 'ABCDEFGHIJKLMN')
    ids[letter] = (await createCustomer(testApp, org, `快照客户${letter}`)).id;
  const plan: [string, number, number, boolean?][] = [
    ['A', 2, 1],
    ['A', 30, 2],
    ['A', 60, 1],
    ['B', 3, 5],
    ['C', 10, 1],
    ['C', 11, 1],
    ['D', 40, 8],
    ['E', 90, 1],
    ['F', 120, 3],
    ['F', 125, 3],
    ['G', 200, 1],
    ['H', 300, 6],
    ['I', 400, 2],
    ['J', 5, 1],
    ['K', 7, 2],
    ['L', 15, 4],
    ['M', 4, 1, false],
  ];
  for (const [letter, days, lines, settled] of plan)
    await visit(ids[letter], daysAgo(days), lines, settled ?? true);
});
afterAll(() => testApp.close());

const scope = (): ReportScope =>
  ({ organizationId: org.organizationId, storeId: null, timeZone: ZONE }) as ReportScope;

/** Every scored customer of a report, page by page, as plain values. */
async function snapshotAnswer(token = org.tokens.OWNER) {
  const customers: unknown[] = [];
  let after: string | null = null;
  let first: any = null;
  for (;;) {
    const result: GraphQLResult<any> = await execute(testApp, token, RFM, { first: 5, after });
    expect(result.errors).toBeUndefined();
    const report = result.data.rfmReport;
    first ??= report;
    for (const { node } of report.customers.edges)
      customers.push({ ...node, monetary: node.monetary?.minorUnits ?? null });
    if (!report.customers.pageInfo.hasNextPage) break;
    after = report.customers.pageInfo.endCursor;
  }
  const { asOf, computedAt, customersScored, customersWithoutVisits, segments } = first!;
  return { asOf, computedAt, customersScored, customersWithoutVisits, segments, customers };
}

/** The same, scored now from the source (report_settled_visit of the settlements), not the snapshot. */
async function liveAnswer(asOf?: string) {
  const report = await rfmReport(testApp.orm.em.fork(), scope(), { asOf, first: 100, fresh: true });
  expect(report.computedAt).toBeNull();
  return {
    asOf: report.asOf,
    customersScored: report.customersScored,
    customersWithoutVisits: report.customersWithoutVisits,
    segments: report.segments.map(({ key, count }) => ({ key, count })),
    customers: report.customers.edges.map(({ node }) => ({
      id: node.id,
      lastVisitOn: node.lastVisitOn,
      recencyDays: node.recencyDays,
      frequency: node.frequency,
      monetary: node.monetary,
      recencyScore: node.recencyScore,
      frequencyScore: node.frequencyScore,
      monetaryScore: node.monetaryScore,
      segment: node.segment,
    })),
  };
}

const withoutTime = ({ computedAt: _computedAt, ...rest }: Awaited<ReturnType<typeof snapshotAnswer>>) =>
  rest;

test('the first RFM report without asOf computes the snapshot once, and it equals the scoring from the source', async () => {
  expect(
    await countRows(testApp.orm, 'select count(*) as count from customer_rfm_run where organization_id = ?', [
      org.organizationId,
    ]),
  ).toBe(0);
  const first = await snapshotAnswer();
  expect(first.computedAt).toEqual(expect.any(String));
  expect(first.asOf).toBe(todayIn(ZONE));
  expect(first.customersScored).toBe(12);
  expect(first.customersWithoutVisits).toBe(2 + 2); // M, N and the fixture's two customers
  expect(withoutTime(first)).toEqual(await liveAnswer());
  expect(
    await countRows(testApp.orm, 'select count(*) as count from customer_rfm where organization_id = ?', [
      org.organizationId,
    ]),
  ).toBe(12);
  // Read again: the same snapshot, not computed again.
  expect((await snapshotAnswer()).computedAt).toBe(first.computedAt);
  // Another organization has its own (empty) snapshot.
  const theirs = await execute(testApp, other.tokens.OWNER, RFM, { first: 5 });
  expect(theirs.data!.rfmReport).toMatchObject({ customersScored: 0, customersWithoutVisits: 2 });
});

test('the snapshot answers as computed until the job refreshes it (asked, or after the night), then equals the source again', async () => {
  const before = await snapshotAnswer();
  // New settled visits (a customer scored for the first time, one more for B), C archived, a new customer.
  await visit(ids.M, daysAgo(1), 3);
  await visit(ids.B, daysAgo(1), 2);
  await testApp.asOwner('update customer set archived_at = now() where id = $1', [ids.C]);
  ids.O = (await createCustomer(testApp, org, '快照客户O')).id;
  const live = await liveAnswer();
  expect(live.customersScored).toBe(12);
  expect(live).not.toEqual(withoutTime(before));
  // The snapshot's numbers as they were, but the archived customer left it (named and counted nowhere).
  const archived = before.customers.find((customer) => (customer as { id: string }).id === ids.C) as {
    segment: string;
  };
  const stale = {
    ...before,
    customersScored: before.customersScored - 1,
    segments: before.segments.map((segment: { key: string; count: number }) =>
      segment.key === archived.segment ? { ...segment, count: segment.count - 1 } : segment,
    ),
    customers: before.customers.filter((customer) => (customer as { id: string }).id !== ids.C),
  };
  expect(await snapshotAnswer()).toEqual(stale);

  // Not due: today's snapshot exists and no refresh was asked for.
  expect(await refreshDueRfmSnapshots(testApp.orm.em.fork())).not.toHaveProperty(org.organizationId);
  expect(await snapshotAnswer()).toEqual(stale);

  // On demand: a refresh asked for (the owner and managers only) is done by the next run.
  for (const role of ['MARKETING', 'FRONT_DESK', 'THERAPIST'] as const) {
    const refused = await execute(testApp, org.tokens[role], REQUEST);
    expect([role, refused.errors?.[0].extensions?.code]).toEqual([role, 'FORBIDDEN']);
  }
  expect(await refreshDueRfmSnapshots(testApp.orm.em.fork())).not.toHaveProperty(org.organizationId);
  const asked = await execute(testApp, org.tokens.MANAGER, REQUEST);
  expect(asked.errors).toBeUndefined();
  expect(asked.data!.requestRfmSnapshot).toEqual(expect.any(String));
  const refreshed = await refreshDueRfmSnapshots(testApp.orm.em.fork());
  expect(refreshed[org.organizationId]).toBe(12);
  const after = await snapshotAnswer();
  expect(after.computedAt).not.toBe(before.computedAt);
  expect(withoutTime(after)).toEqual(live);

  // After the organization's night (03:00 local) of the next day: the next day's snapshot.
  const tomorrow = addDays(todayIn(ZONE), 1);
  const night = new Date(`${tomorrow}T03:30:00+08:00`);
  expect(await refreshDueRfmSnapshots(testApp.orm.em.fork(), undefined, night)).toHaveProperty(
    org.organizationId,
  );
  const next = await snapshotAnswer();
  expect(next.asOf).toBe(tomorrow);
  expect(withoutTime(next)).toEqual(await liveAnswer(tomorrow));
});

test('RFM segments filter segments: the snapshot’s members of the segment, MARKETING without who opted out, FRONT_DESK refused', async () => {
  const report = await snapshotAnswer();
  const inSegment = (segment: string) =>
    (report.customers as { id: string; segment: string }[])
      .filter((customer) => customer.segment === segment)
      .map((customer) => customer.id)
      .sort();
  const segments = report.segments.filter((segment: { count: number }) => segment.count > 0);
  expect(segments.length).toBeGreaterThan(1);
  const [one, two] = segments.map((segment: { key: string }) => segment.key);
  const members = async (token: string, rfmSegments: string[]) => {
    const result = await execute(testApp, token, PREVIEW, { rule: { rfmSegments } });
    expect(result.errors).toBeUndefined();
    return result.data!.segmentPreview.edges.map((edge: { node: { id: string } }) => edge.node.id).sort();
  };
  expect(await members(org.tokens.OWNER, [one])).toEqual(inSegment(one));
  expect(await members(org.tokens.MANAGER, [one, two])).toEqual(
    [...inSegment(one), ...inSegment(two)].sort(),
  );

  // MARKETING: the segment's customers with a granted marketing consent and not 勿扰.
  const [consented, optedOut] =
    inSegment(one).length > 1 ? inSegment(one) : [...inSegment(one), inSegment(two)[0]];
  for (const customerId of [consented, optedOut])
    await testApp.asOwner(
      `insert into contact_consent (id, organization_id, customer_id, channel, granted, source, recorded_at)
       values (gen_random_uuid(), $1, $2, 'SMS', true, 'test', now())`,
      [org.organizationId, customerId],
    );
  await testApp.asOwner('update customer set do_not_contact = true where id = $1', [optedOut]);
  expect(await members(org.tokens.MARKETING, [one, two])).toEqual([consented]);

  const refused = await execute(testApp, org.tokens.FRONT_DESK, PREVIEW, { rule: { rfmSegments: [one] } });
  expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  // Another organization's snapshot names none of these customers.
  expect(await members(other.tokens.OWNER, [one, two])).toEqual([]);
});
