import { ContactConsent, Store } from '../src/entities';
import { ContactChannel } from '../src/entities/enums';
import { runCareSchedule } from '../src/services/care-schedule.service';
import { createCatalogue } from './support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from './support/fixtures';
import { createTestApp, execute, type TestApp } from './support/test-app';

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
      .execute<TaskRow[]>(`select * from care_task where organization_id = ? order by kind, customer_id`, [
        organizationId,
      ])
  ).map((task) => ({ ...task, available_from: new Date(task.available_from), due_at: new Date(task.due_at) }));

const schedule = (org: OrganizationFixture, now: Date) =>
  runCareSchedule(testApp.orm.em.fork(), { now, organizationId: org.organizationId });

async function recordVisit(org: OrganizationFixture, customerId: string, visitedAt: Date) {
  const menu = await createCatalogue(testApp, org);
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
    await testApp.asOwner(`update organization set greeting_lead_days = 0 where id = $1`, [org.organizationId]);
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
