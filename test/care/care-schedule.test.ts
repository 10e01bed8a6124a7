import { ContactConsent, Store } from '../../src/entities';
import { ContactChannel } from '../../src/entities/customers/customers.enums';
import { runCareSchedule } from '../../src/services/care/care-schedule.service';
import { createCatalogue } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp();
});
afterAll(() => testApp.close());

const HOUR = 3_600_000;

interface TaskRow {
  kind: string;
  purpose: string;
  owner_id: string | null;
  customer_id: string;
  store_id: string | null;
  suggested_channel: string;
  reason: string;
  available_from: Date;
  due_at: Date;
}

const tasksOf = async (organizationId: string): Promise<TaskRow[]> =>
  (
    await testApp.orm.em
      .getConnection()
      .execute<TaskRow[]>(
        `select * from care_task where organization_id = ? order by kind::text, customer_id`,
        [organizationId],
      )
  ).map((task) => ({
    ...task,
    available_from: new Date(task.available_from),
    due_at: new Date(task.due_at),
  }));

const schedule = (org: OrganizationFixture, now: Date) =>
  runCareSchedule(testApp.orm.em.fork(), { now, organizationId: org.organizationId });

const menus = new Map<string, Awaited<ReturnType<typeof createCatalogue>>>();

async function recordVisit(org: OrganizationFixture, customerId: string, visitedAt: Date) {
  if (!menus.has(org.organizationId)) menus.set(org.organizationId, await createCatalogue(testApp, org));
  const menu = menus.get(org.organizationId)!;
  const result = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId,
        storeId: org.storeId,
        visitedAt: visitedAt.toISOString(),
        lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
      },
    },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.recordVisit.id as string;
}

describe('回访 after a visit', () => {
  test('appears 24 h after the visit for the assigned consultant, due by 48 h, once', async () => {
    const org = await createOrganization(testApp);
    const visitedAt = new Date(Date.now() - 2 * HOUR);
    const visitId = await recordVisit(org, org.assigned.id, visitedAt);

    await schedule(org, new Date(visitedAt.getTime() + 23 * HOUR));
    expect(await tasksOf(org.organizationId)).toEqual([]);

    const [run] = await schedule(org, new Date(visitedAt.getTime() + 24 * HOUR + 60_000));
    expect(run.created.VISIT_FOLLOW_UP).toBe(1);
    const [task] = await tasksOf(org.organizationId);
    expect(task).toMatchObject({
      kind: 'VISIT_FOLLOW_UP',
      purpose: 'SERVICE',
      customer_id: org.assigned.id,
      owner_id: org.users.CONSULTANT.id,
      store_id: org.storeId,
      suggested_channel: 'PHONE',
      visit_id: visitId,
    });
    expect(task.reason).toMatch(/^服务后回访: /);
    expect(task.available_from.getTime()).toBe(visitedAt.getTime() + 24 * HOUR);
    expect(task.due_at.getTime()).toBe(visitedAt.getTime() + 48 * HOUR);

    const [again] = await schedule(org, new Date(visitedAt.getTime() + 30 * HOUR));
    expect(again.total).toBe(0);
    expect(await tasksOf(org.organizationId)).toHaveLength(1);
  });

  test('without a consultant the store manager owns it', async () => {
    const org = await createOrganization(testApp);
    const visitedAt = new Date(Date.now() - 25 * HOUR);
    await recordVisit(org, org.unassigned.id, visitedAt);
    await schedule(org, new Date());
    const tasks = await tasksOf(org.organizationId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0].owner_id).toBe(org.users.MANAGER.id);
  });
});

describe('birthdays in the store time zone', () => {
  test('Shanghai greets on its own date while Los Angeles is still on the day before', async () => {
    const org = await createOrganization(testApp);
    const em = testApp.orm.em.fork();
    const losAngeles = em.create(Store, {
      organization: org.organizationId,
      name: '洛杉矶店',
      code: 'LA',
      timezone: 'America/Los_Angeles',
    });
    await em.flush();
    await testApp.asOwner(`update organization set greeting_lead_days = 0 where id = $1`, [
      org.organizationId,
    ]);
    await testApp.asOwner(
      `update customer set birthday = '1990-12-01', home_store_id = case when id = $1 then $2::uuid else $3::uuid end
       where organization_id = $4`,
      [org.assigned.id, org.storeId, losAngeles.id, org.organizationId],
    );
    for (const customer of [org.assigned, org.unassigned])
      em.create(ContactConsent, {
        organization: org.organizationId,
        customer: customer.id,
        channel: ContactChannel.WECHAT,
        granted: true,
        source: '到店签字',
        recordedAt: new Date(),
      });
    await em.flush();

    // 2026-11-30T17:00Z is 12-01 01:00 in Shanghai and 11-30 09:00 in Los Angeles.
    await schedule(org, new Date('2026-11-30T17:00:00Z'));
    let tasks = await tasksOf(org.organizationId);
    expect(tasks.map((task) => [task.kind, task.customer_id])).toEqual([['BIRTHDAY', org.assigned.id]]);
    expect(tasks[0].due_at.toISOString()).toBe('2026-12-01T02:00:00.000Z'); // 10:00 in Shanghai
    expect(tasks[0].suggested_channel).toBe('WECHAT');

    // 12-01 01:00 in Los Angeles.
    await schedule(org, new Date('2026-12-01T09:00:00Z'));
    tasks = await tasksOf(org.organizationId);
    expect(tasks).toHaveLength(2);
    const laTask = tasks.find((task) => task.customer_id === org.unassigned.id)!;
    expect(laTask.due_at.toISOString()).toBe('2026-12-01T18:00:00.000Z'); // 10:00 in Los Angeles
    expect(laTask.store_id).toBe(losAngeles.id);
  });
});

describe('consent, 勿扰 and the frequency cap', () => {
  const consent = (org: OrganizationFixture, customerId: string, channel: string, granted = true) =>
    execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($input: SetContactConsentInput!) { setContactConsent(input: $input) {
         contactConsents { channel granted source } } }`,
      { input: { customerId, channel, granted, source: '到店签字' } },
    );

  test('marketing skips customers without consent or on 勿扰, and stops at the cap; 回访 still happens', async () => {
    const org = await createOrganization(testApp);
    const now = new Date('2026-11-30T02:00:00Z'); // 11-30 10:00 in Shanghai
    await testApp.asOwner(
      `update organization set care_holidays = '[{"date": "2026-12-01", "name": "冬至"}]',
         greeting_lead_days = 3, marketing_cap_count = 1, marketing_cap_days = 30 where id = $1`,
      [org.organizationId],
    );
    // Both have a birthday and the holiday ahead; only 张三 consents.
    await testApp.asOwner(`update customer set birthday = '1988-12-02' where organization_id = $1`, [
      org.organizationId,
    ]);
    expect((await consent(org, org.assigned.id, 'WECHAT')).errors).toBeUndefined();

    await schedule(org, now);
    let tasks = await tasksOf(org.organizationId);
    // Cap 1 per 30 days: the birthday comes first, the holiday greeting is skipped.
    expect(tasks.map((task) => [task.kind, task.customer_id])).toEqual([['BIRTHDAY', org.assigned.id]]);

    // Withdrawn consent and 勿扰 stop marketing, not service contacts.
    await testApp.asOwner(`update organization set marketing_cap_count = 10 where id = $1`, [
      org.organizationId,
    ]);
    const withdrawn = await consent(org, org.assigned.id, 'WECHAT', false);
    expect(withdrawn.data!.setContactConsent.contactConsents).toEqual([
      { channel: 'WECHAT', granted: false, source: '到店签字' },
    ]);
    await consent(org, org.unassigned.id, 'SMS');
    const dnc = await execute(
      testApp,
      org.tokens.CONSULTANT,
      `mutation($input: UpdateContactPreferencesInput!) { updateContactPreferences(input: $input) { doNotContact } }`,
      { input: { customerId: org.unassigned.id, doNotContact: true } },
    );
    expect(dnc.data!.updateContactPreferences.doNotContact).toBe(true);
    await recordVisit(org, org.unassigned.id, new Date(now.getTime() - 25 * HOUR));
    await schedule(org, now);
    tasks = await tasksOf(org.organizationId);
    expect(tasks.map((task) => [task.kind, task.customer_id])).toEqual([
      ['BIRTHDAY', org.assigned.id],
      ['VISIT_FOLLOW_UP', org.unassigned.id],
    ]);

    // Consent given again, under the raised cap: the holiday greeting comes, on the consented channel.
    await consent(org, org.assigned.id, 'SMS');
    await schedule(org, now);
    const holiday = (await tasksOf(org.organizationId)).find((task) => task.kind === 'HOLIDAY')!;
    expect(holiday).toMatchObject({
      customer_id: org.assigned.id,
      suggested_channel: 'SMS',
      purpose: 'MARKETING',
    });
    expect(holiday.reason).toBe('节日问候: 冬至');
  });

  test('consent is per marketing channel: FACE_TO_FACE is refused with BAD_USER_INPUT', async () => {
    const org = await createOrganization(testApp);
    const result = await consent(org, org.assigned.id, 'FACE_TO_FACE');
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'channel' });
  });
});

describe('two workers', () => {
  test('running the same schedule on two connections at once creates every task exactly once', async () => {
    const org = await createOrganization(testApp);
    const visitedAt = new Date(Date.now() - 30 * HOUR);
    await recordVisit(org, org.assigned.id, visitedAt);
    await recordVisit(org, org.unassigned.id, visitedAt);
    const runs = await Promise.all(Array.from({ length: 6 }, () => schedule(org, new Date())));
    expect(runs.map(([run]) => run.total).reduce((a, b) => a + b, 0)).toBe(2);
    expect(await tasksOf(org.organizationId)).toHaveLength(2);
  });
});
