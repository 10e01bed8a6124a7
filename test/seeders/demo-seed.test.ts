import { DemoSeeder } from '../../src/seeders/demo.seeder';
import { Role } from '../../src/entities/access/access.enums';
import { runCareSchedule } from '../../src/services/care/care-schedule.service';
import { recomputeRuleTagsEverywhere } from '../../src/services/segments/tag-rules';
import { countRows } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp();
  await new DemoSeeder().run(testApp.orm.em.fork());
});
afterAll(() => testApp.close());

const count = (sql: string) => countRows(testApp.orm, sql);

test('the demo holds a catalogue, rooms, staff schedules, appointments around today and a visit history', async () => {
  expect(await count('select count(*) from service_item')).toBeGreaterThanOrEqual(10);
  expect(await count('select count(*) from contraindication_tag')).toBeGreaterThanOrEqual(5);
  expect(await count('select count(*) from service_item_contraindication')).toBeGreaterThan(0);
  expect(await count('select count(distinct store_id) from room')).toBe(2);
  expect(await count('select count(distinct store_id) from staff_profile')).toBe(2);
  expect(await count('select count(*) from working_hours')).toBeGreaterThan(20);
  expect(await count(`select count(*) from schedule_exception where kind = 'LEAVE'`)).toBe(1);
  expect(await count('select count(*) from product')).toBe(10);
  const today = `(now() at time zone 'Asia/Shanghai')::date`;
  expect(
    await count(
      `select count(*) from appointment where (starts_at at time zone 'Asia/Shanghai')::date = ${today}`,
    ),
  ).toBeGreaterThan(0);
  expect(
    await count(
      `select count(*) from appointment where starts_at > now() and status in ('BOOKED', 'CONFIRMED')`,
    ),
  ).toBeGreaterThan(0);
  expect(await count(`select count(*) from appointment where status = 'COMPLETED'`)).toBe(
    await count('select count(*) from visit where appointment_id is not null'),
  );
  expect(await count('select count(*) from visit')).toBeGreaterThan(50);
  expect(await count('select count(*) from visit_product_use')).toBeGreaterThan(0);
  expect(await count('select count(*) from appointment where health_review_required')).toBeGreaterThan(0);
});

test('the demo is consistent: aggregates, stock and low stock', async () => {
  // Shown history is the recent part of each customer's count, and ends at lastVisitAt.
  expect(
    await count(
      `select count(*) from customer c where c.visit_count < (select count(*) from visit v where v.customer_id = c.id)`,
    ),
  ).toBe(0);
  expect(
    await count(`select count(*) from customer c where exists (select 1 from visit v where v.customer_id = c.id)
      and c.last_visit_at is distinct from (select max(visited_at) from visit v where v.customer_id = c.id)`),
  ).toBe(0);
  expect(await count('select count(*) from visit where visited_at > now()')).toBe(0);
  // Stock equals the sum of its movements, never negative; one product runs low.
  expect(
    await count(`select count(*) from product_stock s where s.quantity <> (select coalesce(sum(delta), 0)
      from stock_movement m where m.store_id = s.store_id and m.product_id = s.product_id) or s.quantity < 0`),
  ).toBe(0);
  expect(
    await count(`select count(*) from product_stock s join product p on p.id = s.product_id
      where s.quantity <= coalesce(s.low_stock_threshold, p.low_stock_threshold)`),
  ).toBeGreaterThanOrEqual(1);
});

test('the demo holds tiers, card products and customers with cards and a consistent ledger history', async () => {
  expect(await count('select count(*) from membership_tier')).toBe(4);
  expect(await count(`select count(*) from card_product where kind = 'STORED_VALUE'`)).toBe(3);
  expect(await count(`select count(*) from card_product where kind = 'PUNCH_CARD'`)).toBe(2);
  expect(await count(`select count(*) from account where kind = 'COUPON' and units = 1`)).toBeGreaterThan(3);
  expect(await count(`select count(*) from account where kind = 'STORED_VALUE'`)).toBeGreaterThan(10);
  expect(await count(`select count(*) from account where kind = 'PUNCH_CARD'`)).toBeGreaterThan(3);
  expect(await count(`select count(*) from ledger_entry where kind = 'PUNCH'`)).toBeGreaterThan(0);
  expect(await count(`select count(*) from ledger_entry where kind = 'CHARGE'`)).toBeGreaterThan(0);
  expect(await count('select count(*) from settlement')).toBeGreaterThan(20);
  expect(
    await count('select count(distinct tier_id) from customer where tier_id is not null'),
  ).toBeGreaterThanOrEqual(2);
  expect(await count('select count(*) from customer where tier_id is null and archived_at is null')).toBe(0);
  expect(await count('select count(*) from tier_change')).toBeGreaterThan(0);
  // Cached balances equal the sums of their entries.
  expect(
    await count(`select count(*) from account a left join lateral (
        select coalesce(sum(principal_delta), 0) as principal, coalesce(sum(bonus_delta), 0) as bonus,
               coalesce(sum(units_delta), 0) as units
        from ledger_entry e where e.account_id = a.id) sums on true
      where (a.principal, a.bonus, a.units) is distinct from (sums.principal, sums.bonus, sums.units)`),
  ).toBe(0);
});

test('the demo holds consents, a communication log and complaints; the schedule gives the overdue one to the manager', async () => {
  expect(await count(`select count(*) from contact_consent where granted`)).toBeGreaterThan(20);
  expect(await count(`select count(*) from communication_entry where status = 'OPEN'`)).toBeGreaterThan(0);
  expect(await count(`select count(*) from complaint`)).toBe(3);
  const [run] = await runCareSchedule(testApp.orm.em.fork());
  expect(run.created.VISIT_FOLLOW_UP).toBeGreaterThan(0);
  expect(
    await count(
      `select count(*) from care_task t join app_user u on u.id = t.owner_id
       where t.kind = 'COMPLAINT_RESPONSE_OVERDUE' and u.role = 'MANAGER'`,
    ),
  ).toBe(1);
  expect(await count(`select count(*) from care_task where purpose = 'MARKETING'`)).toBeGreaterThan(0);
  // Marketing tasks only for customers who consented and are not on 勿扰.
  expect(
    await count(
      `select count(*) from care_task t join customer c on c.id = t.customer_id
       where t.purpose = 'MARKETING' and (c.do_not_contact
         or not exists (select 1 from contact_consent cc where cc.customer_id = c.id and cc.granted))`,
    ),
  ).toBe(0);
  const [again] = await runCareSchedule(testApp.orm.em.fork());
  expect(again.total).toBe(0);
});

test('a MARKETING token lists a demo segment without health data or opted-out customers; rule tags are computed', async () => {
  await recomputeRuleTagsEverywhere(testApp.orm.em.fork());
  expect(
    await count(
      `select count(*) from customer_tag ct join tag t on t.id = ct.tag_id where t.name = '高端客户'`,
    ),
  ).toBeGreaterThan(0);
  const [marketing] = await testApp.orm.em
    .getConnection()
    .execute<{ id: string; organization_id: string }[]>(
      `select id, organization_id from app_user where role = 'MARKETING' limit 1`,
    );
  const { token } = await testApp.tokens.issue({
    userId: marketing.id,
    organizationId: marketing.organization_id,
    role: Role.MARKETING,
  });
  const result = await execute(
    testApp,
    token,
    `{ segments { name members(first: 100) { totalCount edges { node { id name doNotContact
        healthProfile { allergies { substance } } } } } } }`,
  );
  const segment = result.data!.segments.find((each: any) => each.name === '微信可触达的女性会员');
  expect(segment.members.totalCount).toBeGreaterThan(0);
  const memberIds = segment.members.edges.map((edge: any) => edge.node.id);
  expect(segment.members.edges.every((edge: any) => edge.node.doNotContact === false)).toBe(true);
  expect(segment.members.edges.every((edge: any) => edge.node.healthProfile === null)).toBe(true);
  expect(result.errors!.every((error) => error.extensions!.code === 'FORBIDDEN')).toBe(true);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from customer c where c.id::text in (select jsonb_array_elements_text(?::jsonb)) and (c.do_not_contact
         or not exists (select 1 from contact_consent cc where cc.customer_id = c.id and cc.granted and cc.channel = 'WECHAT'))`,
      [JSON.stringify(memberIds)],
    ),
  ).toBe(0);
});
