import { runCareSchedule } from '../../src/services/care/care-schedule.service';
import { createCatalogue } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { CHARGE, createCardProducts, newKey, sellCard } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp();
});
afterAll(() => testApp.close());

const DAY = 86_400_000;
const HOUR = 3_600_000;

const schedule = async (org: OrganizationFixture, now = new Date()) =>
  (await runCareSchedule(testApp.orm.em.fork(), { now, organizationId: org.organizationId }))[0];

const tasks = (org: OrganizationFixture, kind: string) =>
  testApp.orm.em.getConnection().execute<
    {
      id: string;
      customer_id: string;
      owner_id: string;
      purpose: string;
      reason: string;
      suggested_channel: string;
      status: string;
    }[]
  >(`select * from care_task where organization_id = ? and kind = ? order by created_at`, [org.organizationId, kind]);

const consent = (org: OrganizationFixture, customerId: string, channel: string) =>
  execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: SetContactConsentInput!) { setContactConsent(input: $input) { id } }`,
    {
      input: { customerId, channel, granted: true, source: '小程序勾选' },
    },
  );

test('a punch card with uses left reminds 14 days before it expires, once (a service task)', async () => {
  const org = await createOrganization(testApp);
  const cards = await createCardProducts(testApp, org, await createCatalogue(testApp, org));
  const sold = await sellCard(testApp, org.tokens.FRONT_DESK, org.assigned.id, cards.massageCard.id);
  expect(sold.errors).toBeUndefined();
  expect((await schedule(org)).created.PUNCH_CARD_EXPIRY).toBe(0);
  const soon = new Date(Date.now() + 170 * DAY);
  expect((await schedule(org, soon)).created.PUNCH_CARD_EXPIRY).toBe(1);
  expect((await schedule(org, new Date(soon.getTime() + DAY))).created.PUNCH_CARD_EXPIRY).toBe(0);
  const [task] = await tasks(org, 'PUNCH_CARD_EXPIRY');
  expect(task).toMatchObject({
    customer_id: org.assigned.id,
    owner_id: org.users.CONSULTANT.id,
    purpose: 'SERVICE',
  });
  expect(task.reason).toMatch(/^计次卡 10次肩颈推拿卡 剩余10次, \d{4}-\d{2}-\d{2} 到期$/);
});

test('low stored value reminds once per top-up, only with consent', async () => {
  const org = await createOrganization(testApp);
  const cards = await createCardProducts(testApp, org, await createCatalogue(testApp, org));
  await sellCard(testApp, org.tokens.FRONT_DESK, org.unassigned.id, cards.topUp.id);
  const charge = (amount: number) =>
    execute(testApp, org.tokens.FRONT_DESK, CHARGE, {
      input: { customerId: org.unassigned.id, amountMinorUnits: amount, idempotencyKey: newKey('charge') },
    });
  expect((await charge(105_000)).errors).toBeUndefined(); // ¥1100 − ¥1050 = ¥50 left
  expect((await schedule(org)).created.LOW_BALANCE).toBe(0); // no marketing consent yet
  await consent(org, org.unassigned.id, 'SMS');
  expect((await schedule(org)).created.LOW_BALANCE).toBe(1);
  await charge(1_000);
  expect((await schedule(org)).created.LOW_BALANCE).toBe(0);
  const [task] = await tasks(org, 'LOW_BALANCE');
  expect(task).toMatchObject({
    purpose: 'MARKETING',
    suggested_channel: 'SMS',
    owner_id: org.users.MANAGER.id,
  });
  expect(task.reason).toBe('储值余额不足: 剩余 ¥50.00');
});

test('a dormant customer is woken once per dormant spell, after the configured days', async () => {
  const org = await createOrganization(testApp);
  const sleeper = await createCustomer(testApp, org, '周八', {
    lastVisitAt: new Date(Date.now() - 100 * DAY),
    consultantId: org.users.CONSULTANT.id,
  });
  await consent(org, sleeper.id, 'WECHAT');
  const settings = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { updateCareSettings(input: { wakeUpAfterDays: 120 }) { careSettings { wakeUpAfterDays } } }`,
  );
  expect(settings.data!.updateCareSettings.careSettings.wakeUpAfterDays).toBe(120);
  expect((await schedule(org)).created.DORMANT_WAKE_UP).toBe(0);
  await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { updateCareSettings(input: { wakeUpAfterDays: 90 }) { id } }`,
  );
  expect((await schedule(org)).created.DORMANT_WAKE_UP).toBe(1);
  expect((await schedule(org)).created.DORMANT_WAKE_UP).toBe(0);
  const [task] = await tasks(org, 'DORMANT_WAKE_UP');
  expect(task).toMatchObject({
    customer_id: sleeper.id,
    owner_id: org.users.CONSULTANT.id,
    suggested_channel: 'WECHAT',
  });
  expect(task.reason).toBe('沉睡客户唤醒: 100天未到店');
  // Back in the shop, then asleep again: a new spell, a new wake-up.
  await testApp.asOwner(`update customer set last_visit_at = now() - interval '95 days' where id = $1`, [
    sleeper.id,
  ]);
  expect((await schedule(org)).created.DORMANT_WAKE_UP).toBe(1);
});

test('an unresolved complaint past 48 h gives the manager a task; a resolved one gets a follow-up call a day later', async () => {
  const org = await createOrganization(testApp);
  const filed = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: FileComplaintInput!) { fileComplaint(input: $input) { id version } }`,
    {
      input: {
        customerId: org.assigned.id,
        storeId: org.storeId,
        channel: 'WECHAT',
        subject: '预约被取消',
        description: '临时取消没有提前通知',
        receivedAt: new Date(Date.now() - 50 * HOUR).toISOString(),
      },
    },
  );
  const { id, version } = filed.data!.fileComplaint;
  const run = await schedule(org);
  expect(run.created).toMatchObject({ COMPLAINT_RESPONSE_OVERDUE: 1, COMPLAINT_RESOLUTION_OVERDUE: 1 });
  const [overdue] = await tasks(org, 'COMPLAINT_RESOLUTION_OVERDUE');
  expect(overdue).toMatchObject({
    owner_id: org.users.MANAGER.id,
    reason: '投诉超过48小时未解决: 预约被取消',
  });
  await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: ResolveComplaintInput!) { resolveComplaint(input: $input) { status } }`,
    { input: { id, expectedVersion: version, result: '道歉并赠送体验券' } },
  );
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from care_task where complaint_id = ? and status = 'OPEN'`,
      [id],
    ),
  ).toBe(0);
  expect((await schedule(org)).created.COMPLAINT_FOLLOW_UP).toBe(0);
  expect((await schedule(org, new Date(Date.now() + 25 * HOUR))).created.COMPLAINT_FOLLOW_UP).toBe(1);
  const [followUp] = await tasks(org, 'COMPLAINT_FOLLOW_UP');
  expect(followUp).toMatchObject({ owner_id: org.users.MANAGER.id, purpose: 'SERVICE', status: 'OPEN' });
});

test('completing a task logs the contact; only its owner, the front desk or managers may; stale versions conflict', async () => {
  const org = await createOrganization(testApp);
  await testApp.asOwner(
    `insert into care_task (id, organization_id, customer_id, kind, purpose, reason, suggested_channel, owner_id,
       available_from, due_at, dedupe_key, status, version, created_at, updated_at)
     values (gen_random_uuid(), $1, $2, 'VISIT_FOLLOW_UP', 'SERVICE', '服务后回访: 肩颈推拿', 'PHONE', $3,
       now(), now() + interval '1 day', 'manual-test', 'OPEN', 1, now(), now())`,
    [org.organizationId, org.assigned.id, org.users.CONSULTANT.id],
  );
  const mine = await execute(
    testApp,
    org.tokens.CONSULTANT,
    `{ myCareTasks { totalCount edges { node { id version reason } } } }`,
  );
  const task = mine.data!.myCareTasks.edges[0].node;
  const complete = (token: string, expectedVersion: number) =>
    execute(
      testApp,
      token,
      `mutation($input: CompleteCareTaskInput!) { completeCareTask(input: $input) { status outcome completedAt } }`,
      { input: { id: task.id, expectedVersion, outcome: '客户表示肩颈轻松多了', channel: 'PHONE' } },
    );
  expect((await complete(org.tokens.OTHER_CONSULTANT, task.version)).errors![0].extensions!.code).toBe(
    'FORBIDDEN',
  );
  expect((await complete(org.tokens.CONSULTANT, task.version + 1)).errors![0].extensions).toMatchObject({
    code: 'CONFLICT',
    reason: 'STALE_VERSION',
  });
  const done = await complete(org.tokens.CONSULTANT, task.version);
  expect(done.data!.completeCareTask).toMatchObject({ status: 'DONE', outcome: '客户表示肩颈轻松多了' });
  const log = await execute(
    testApp,
    org.tokens.CONSULTANT,
    `{ customer(id: "${org.assigned.id}") { communications { edges { node { summary channel status careTaskId } } } } }`,
  );
  expect(log.data!.customer.communications.edges[0].node).toEqual({
    summary: '服务后回访: 肩颈推拿: 客户表示肩颈轻松多了',
    channel: 'PHONE',
    status: 'DONE',
    careTaskId: task.id,
  });
  expect(
    (await execute(testApp, org.tokens.THERAPIST, `{ myCareTasks { totalCount } }`)).errors![0].extensions!
      .code,
  ).toBe('FORBIDDEN');
  expect(
    (await execute(testApp, org.tokens.CONSULTANT, `{ careTasks { totalCount } }`)).errors![0].extensions!
      .code,
  ).toBe('FORBIDDEN');
});

test('care settings: only the owner, and a bad holiday date or window is BAD_USER_INPUT', async () => {
  const org = await createOrganization(testApp);
  const update = (token: string, input: string) =>
    execute(
      testApp,
      token,
      `mutation { updateCareSettings(input: ${input}) { careSettings { holidays { date name } visitFollowUpWithinHours } } }`,
    );
  expect((await update(org.tokens.MANAGER, `{ greetingLeadDays: 5 }`)).errors![0].extensions!.code).toBe(
    'FORBIDDEN',
  );
  const badDate = await update(org.tokens.OWNER, `{ holidays: [{ date: "2027-02-30", name: "春节" }] }`);
  expect(badDate.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'holidays' });
  const badWindow = await update(
    org.tokens.OWNER,
    `{ visitFollowUpAfterHours: 48, visitFollowUpWithinHours: 24 }`,
  );
  expect(badWindow.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'visitFollowUpWithinHours',
  });
  // A year PostgreSQL cannot hold would stop the schedule: refused up front.
  const yearZero = await update(org.tokens.OWNER, `{ holidays: [{ date: "0000-01-01", name: "元旦" }] }`);
  expect(yearZero.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'holidays' });
  const ok = await update(org.tokens.OWNER, `{ holidays: [{ date: "2027-02-06", name: "春节" }] }`);
  expect(ok.data!.updateCareSettings.careSettings).toEqual({
    holidays: [{ date: '2027-02-06', name: '春节' }],
    visitFollowUpWithinHours: 48,
  });
});

test('a page of care tasks with customer, owner and store costs the same statements for 1 or 20 tasks', async () => {
  const org = await createOrganization(testApp);
  for (let index = 0; index < 6; index++) {
    const customer = await createCustomer(testApp, org, `客户${index}`, {
      consultantId: org.users.CONSULTANT.id,
    });
    await testApp.asOwner(
      `insert into care_task (id, organization_id, customer_id, store_id, kind, purpose, reason, suggested_channel,
         owner_id, available_from, due_at, dedupe_key, status, version, created_at, updated_at)
       values (gen_random_uuid(), $1, $2, $3, 'BIRTHDAY', 'MARKETING', '生日关怀', 'WECHAT', $4,
         now(), now() + make_interval(hours => $5), $6, 'OPEN', 1, now(), now())`,
      [
        org.organizationId,
        customer.id,
        org.storeId,
        index % 2 ? org.users.CONSULTANT.id : org.users.MANAGER.id,
        index,
        `b-${index}`,
      ],
    );
  }
  const count = async (first: number) => {
    testApp.statements.reset();
    const result = await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `{ careTasks(first: ${first}) { totalCount edges { node { reason customer { name phone } owner { displayName } store { name } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.careTasks.edges).toHaveLength(Math.min(first, 6));
    return testApp.statements.count;
  };
  expect(await count(20)).toBe(await count(1));
});

test('one organization with broken data does not stop the schedule for the others', async () => {
  const broken = await createOrganization(testApp);
  const healthy = await createOrganization(testApp);
  // A time zone PostgreSQL does not know (written past the API's check) breaks that organization's run.
  await testApp.asOwner(`update store set timezone = 'Mars/Olympus' where id = $1`, [broken.storeId]);
  const visitedAt = new Date(Date.now() - 30 * HOUR);
  for (const org of [broken, healthy])
    await testApp.asOwner(
      `insert into visit (id, organization_id, store_id, customer_id, visited_at, version)
       values (gen_random_uuid(), $1, $2, $3, $4, 1)`,
      [org.organizationId, org.storeId, org.assigned.id, visitedAt],
    );
  const failures: string[] = [];
  await expect(
    runCareSchedule(testApp.orm.em.fork(), { onError: (organizationId) => failures.push(organizationId) }),
  ).rejects.toThrow(broken.organizationId);
  expect(failures).toEqual([broken.organizationId]);
  expect((await tasks(healthy, 'VISIT_FOLLOW_UP')).length).toBe(1);
});
