import { Role } from '../../src/entities/access/access.enums';
import { DemoSeeder } from '../../src/seeders/demo.seeder';
import { localTime } from '../../src/core/local-time';
import { createTestApp, execute, type TestApp } from '../support/test-app';

/**
 * The issue's "done means", on the seeded demo: the front desk finds a free slot, books it (a
 * concurrent booking of the same slot gets CONFLICT) and checks the customer in; the therapist of
 * the appointment can then read the customer's allergies, records the visit and sees it in their
 * history.
 */
let testApp: TestApp;
const ids = {} as Record<'organization' | 'store' | 'desk' | 'therapist' | 'customer' | 'service', string>;
let timeZone: string;

/** A zone where it is now between 10:00 and 18:59, so that today has bookable time left. */
function zoneWithDaytime(): string {
  const zones = [
    'Asia/Shanghai',
    'Pacific/Kiritimati',
    'Pacific/Auckland',
    'Asia/Tokyo',
    'Asia/Kolkata',
    'Europe/Moscow',
    'Africa/Lagos',
    'UTC',
    'America/Sao_Paulo',
    'America/New_York',
    'America/Denver',
    'America/Los_Angeles',
    'Pacific/Honolulu',
  ];
  const zone = zones.find((candidate) => {
    const hour = Number(localTime(new Date(), candidate).time.slice(0, 2));
    return hour >= 10 && hour <= 18;
  });
  if (!zone) throw new Error('no zone with daytime now');
  return zone;
}

const row = async (sql: string, params: unknown[] = []) =>
  ((await testApp.orm.em.fork().getConnection().execute(sql, params)) as Record<string, string>[])[0];

beforeAll(async () => {
  testApp = await createTestApp();
  await new DemoSeeder().run(testApp.orm.em.fork());
  timeZone = zoneWithDaytime();
  const store = await row(`select id, organization_id from store where code = 'JA'`);
  ids.store = store.id;
  ids.organization = store.organization_id;
  // The demo store runs in a zone where it is daytime now, so that a slot today is left.
  await row('update store set timezone = ? where id = ?', [timeZone, ids.store]);
  ids.desk = (await row(`select id from app_user where email = 'frontdesk@demo.yuexin.cn'`)).id;
  ids.therapist = (await row(`select id from app_user where email = 'therapist@demo.yuexin.cn'`)).id;
  ids.service = (await row(`select id from service_item where code = 'TN01'`)).id;
  // A customer with an allergy whom this therapist has never served and is not assigned to.
  ids.customer = (
    await row(
      `select c.id from customer c
        where exists (select 1 from allergy a where a.customer_id = c.id)
          and c.assigned_therapist_id is distinct from ?
          and not exists (select 1 from appointment_item i join appointment a on a.id = i.appointment_id
                           where a.customer_id = c.id and i.therapist_id = ?)
          and not exists (select 1 from visit_line l join visit v on v.id = l.visit_id
                           where v.customer_id = c.id and l.therapist_id = ?)
        order by c.code limit 1`,
      [ids.therapist, ids.therapist, ids.therapist],
    )
  ).id;
});
afterAll(() => testApp.close());

const token = async (userId: string, role: Role) =>
  (await testApp.tokens.issue({ userId, organizationId: ids.organization, role })).token;

test('find a slot, book it against a concurrent booking, check in; the therapist reads allergies and records the visit', async () => {
  const desk = await token(ids.desk, Role.FRONT_DESK);
  const therapist = await token(ids.therapist, Role.THERAPIST);
  const allergies = `query($id: ID!) { customer(id: $id) { healthProfile { allergies { substance } } } }`;

  const before = await execute(testApp, therapist, allergies, { id: ids.customer });
  expect(before.data!.customer.healthProfile).toBeNull();
  expect(before.errors![0].extensions!.code).toBe('FORBIDDEN');

  const found = await execute(
    testApp,
    desk,
    `query($store: ID!, $service: ID!, $date: LocalDate!, $therapist: ID) {
      availability(storeId: $store, serviceId: $service, date: $date, therapistId: $therapist) { startsAt therapists { id } } }`,
    {
      store: ids.store,
      service: ids.service,
      date: localTime(new Date(), timeZone).date,
      therapist: ids.therapist,
    },
  );
  expect(found.errors).toBeUndefined();
  const [slot] = found.data!.availability;
  expect(slot).toBeDefined();

  const book = () =>
    execute(
      testApp,
      desk,
      `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) {
        appointment { id status } contraindications { healthReviewRequired } } }`,
      {
        input: {
          customerId: ids.customer,
          storeId: ids.store,
          channel: 'FRONT_DESK',
          startsAt: slot.startsAt,
          items: [{ serviceId: ids.service, therapistId: ids.therapist }],
        },
      },
    );
  const [first, second] = await Promise.all([book(), book()]);
  const winner = [first, second].find((result) => !result.errors)!;
  const loser = [first, second].find((result) => result.errors)!;
  expect(winner).toBeDefined();
  expect(loser.errors![0].extensions).toMatchObject({ code: 'CONFLICT' });
  expect(['THERAPIST_BUSY', 'ROOM_BUSY']).toContain(loser.errors![0].extensions!.reason);
  const appointmentId = winner.data!.bookAppointment.appointment.id;

  const checkedIn = await execute(
    testApp,
    desk,
    `mutation { checkInAppointment(id: "${appointmentId}") { status } }`,
  );
  expect(checkedIn.errors).toBeUndefined();
  expect(checkedIn.data!.checkInAppointment.status).toBe('ARRIVED');

  const after = await execute(testApp, therapist, allergies, { id: ids.customer });
  expect(after.errors).toBeUndefined();
  expect(after.data!.customer.healthProfile.allergies.length).toBeGreaterThan(0);
  // The desk still sees no allergies.
  const deskView = await execute(testApp, desk, allergies, { id: ids.customer });
  expect(deskView.data!.customer.healthProfile).toBeNull();

  const recorded = await execute(
    testApp,
    therapist,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id lines { service { name } } } }`,
    {
      input: {
        appointmentId,
        effect: 'SYMPTOM_RELIEF',
        satisfaction: 5,
        feedback: '肩颈放松了',
        conditionNotes: '右肩胛内侧有结节',
      },
    },
  );
  expect(recorded.errors).toBeUndefined();
  const visitId = recorded.data!.recordVisit.id;
  expect(recorded.data!.recordVisit.lines).toEqual([{ service: { name: '肩颈推拿' } }]);

  const history = await execute(
    testApp,
    therapist,
    `{ myVisits(first: 5) { edges { node { id conditionNotes customer { id } } } } }`,
  );
  // Notes of earlier visits with customers not served today stay hidden; this one is readable.
  for (const error of history.errors ?? []) {
    expect(error.path!.at(-1)).toBe('conditionNotes');
    expect(error.path![2]).not.toBe(0);
  }
  expect(history.data!.myVisits.edges[0].node).toEqual({
    id: visitId,
    conditionNotes: '右肩胛内侧有结节',
    customer: { id: ids.customer },
  });
});
