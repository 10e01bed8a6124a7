import { runCareSchedule } from '../../src/services/care/care-schedule.service';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const HOUR = 3_600_000;
const COMPLAINT = `id status subject description respondBy resolveBy responseBreached resolutionBreached version
  owner { id }`;

const file = (token: string, input: Record<string, unknown>) =>
  execute(
    testApp,
    token,
    `mutation($input: FileComplaintInput!) { fileComplaint(input: $input) { ${COMPLAINT} } }`,
    {
      input: {
        customerId: org.assigned.id,
        storeId: org.storeId,
        channel: 'PHONE',
        subject: '精油过敏',
        description: '做完肩颈后皮肤发红',
        ...input,
      },
    },
  );

test('a complaint past 24 h without response is breached, listed as such, and gives the store manager a task', async () => {
  const receivedAt = new Date(Date.now() - 25 * HOUR);
  const filed = await file(org.tokens.FRONT_DESK, { receivedAt: receivedAt.toISOString() });
  expect(filed.errors?.map((error) => error.path?.join('.'))).toEqual(['fileComplaint.description']);
  const complaint = filed.data!.fileComplaint;
  expect(complaint).toMatchObject({
    status: 'OPEN',
    description: null, // the front desk takes complaints but reads only their headline
    responseBreached: true,
    resolutionBreached: false,
    owner: { id: org.users.MANAGER.id },
  });
  expect(new Date(complaint.respondBy).getTime()).toBe(receivedAt.getTime() + 24 * HOUR);
  expect(new Date(complaint.resolveBy).getTime()).toBe(receivedAt.getTime() + 48 * HOUR);

  const breached = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ complaints(filter: { breached: RESPONSE }) { totalCount edges { node { id description } } } }`,
  );
  expect(breached.data!.complaints.edges.map((edge: any) => edge.node)).toEqual([
    { id: complaint.id, description: '做完肩颈后皮肤发红' },
  ]);
  const onTime = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ complaints(filter: { breached: RESOLUTION }) { totalCount } }`,
  );
  expect(onTime.data!.complaints.totalCount).toBe(0);

  await runCareSchedule(testApp.orm.em.fork(), { organizationId: org.organizationId });
  const tasks = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ myCareTasks(filter: { kinds: [COMPLAINT_RESPONSE_OVERDUE] }) { edges { node { id kind reason complaintId version customer { id } } } } }`,
  );
  const [task] = tasks.data!.myCareTasks.edges.map((edge: any) => edge.node);
  expect(task).toMatchObject({
    kind: 'COMPLAINT_RESPONSE_OVERDUE',
    reason: '投诉超过24小时未响应: 精油过敏',
    complaintId: complaint.id,
  });

  // Responding settles the overdue task; the breach stays on record.
  const responded = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: RespondToComplaintInput!) { respondToComplaint(input: $input) { status responseBreached handlingPlan } }`,
    { input: { id: complaint.id, expectedVersion: complaint.version, handlingPlan: '免费做一次舒缓护理' } },
  );
  expect(responded.data!.respondToComplaint).toEqual({
    status: 'RESPONDED',
    responseBreached: true,
    handlingPlan: '免费做一次舒缓护理',
  });
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from care_task where complaint_id = ? and status = 'DONE'`,
      [complaint.id],
    ),
  ).toBe(1);
});

test('a stale version is CONFLICT and changes nothing; a therapist may not see complaints', async () => {
  const filed = await file(org.tokens.MANAGER, {});
  const { id, version } = filed.data!.fileComplaint;
  const resolve = (expectedVersion: number) =>
    execute(
      testApp,
      org.tokens.MANAGER,
      `mutation($input: ResolveComplaintInput!) { resolveComplaint(input: $input) { status satisfactionAfter resolutionBreached } }`,
      { input: { id, expectedVersion, result: '已退款并道歉', satisfactionAfter: 4 } },
    );
  const stale = await resolve(version + 1);
  expect(stale.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_VERSION' });
  const resolved = await resolve(version);
  expect(resolved.data!.resolveComplaint).toEqual({
    status: 'RESOLVED',
    satisfactionAfter: 4,
    resolutionBreached: false,
  });

  const therapist = await execute(testApp, org.tokens.THERAPIST, `{ complaints { totalCount } }`);
  expect(therapist.errors![0].extensions!.code).toBe('FORBIDDEN');
  const badSatisfaction = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: UpdateComplaintInput!) { updateComplaint(input: $input) { id } }`,
    { input: { id, expectedVersion: version + 1, satisfactionAfter: 9 } },
  );
  expect(badSatisfaction.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
});
