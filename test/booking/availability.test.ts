import { localTime } from '../../src/core/local-time';
import {
  addLeave,
  createCatalogue,
  insertAppointment,
  localInstant,
  type CatalogueFixture,
} from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
/** Each test looks at its own day, so bookings of one test do not change another's slots. */
let day = 1;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
});
afterAll(() => testApp.close());

interface Slot {
  startsAt: string;
  endsAt: string;
  freeRooms: number;
  therapists: { id: string }[];
}

const dateIn = (days: number) => localTime(new Date(Date.now() + days * 86_400_000), 'Asia/Shanghai').date;

async function slots(args: Record<string, unknown>, token = org.tokens.FRONT_DESK): Promise<Slot[]> {
  const result = await execute(
    testApp,
    token,
    `query($storeId: ID!, $serviceId: ID!, $date: LocalDate!, $therapistId: ID, $stepMinutes: Int) {
      availability(storeId: $storeId, serviceId: $serviceId, date: $date, therapistId: $therapistId, stepMinutes: $stepMinutes) {
        startsAt endsAt freeRooms therapists { id } } }`,
    { storeId: org.storeId, serviceId: menu.massage.id, ...args },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.availability;
}

/** Local start times (HH:MM, Asia/Shanghai) of the slots. */
const times = (list: Slot[]) => list.map((slot) => localTime(new Date(slot.startsAt), 'Asia/Shanghai').time);

test('a free day: every quarter hour from opening until the service still fits, in the store time zone', async () => {
  const date = dateIn(day++);
  const list = await slots({ date });
  const local = times(list);
  expect(local[0]).toBe('08:00');
  // 肩颈推拿 takes 60 minutes and the therapists work until 24:00.
  expect(local.at(-1)).toBe('23:00');
  expect(list).toHaveLength(61);
  // 23:00 in Shanghai (UTC+8) is 15:00 UTC of the same date.
  expect(list.at(-1)!.startsAt).toBe(`${date}T15:00:00.000Z`);
  expect(list.at(-1)!.endsAt).toBe(`${date}T16:00:00.000Z`);
  expect(list[0]).toMatchObject({ freeRooms: 2 });
  expect(list[0].therapists.map((therapist) => therapist.id).sort()).toEqual(
    [org.users.THERAPIST.id, org.users.OTHER_THERAPIST.id].sort(),
  );
});

test('a booked therapist is busy for the service and its buffer; the other therapist remains', async () => {
  const offset = day++;
  const date = dateIn(offset);
  const booked = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { appointment { id } } }`,
    {
      input: {
        customerId: org.unassigned.id,
        storeId: org.storeId,
        channel: 'FRONT_DESK',
        startsAt: localInstant(offset, '10:00'),
        items: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id, roomId: menu.roomA.id }],
      },
    },
  );
  expect(booked.errors).toBeUndefined();
  const all = await slots({ date });
  const at10 = all.find((slot) => times([slot])[0] === '10:00')!;
  expect(at10.therapists.map((therapist) => therapist.id)).toEqual([org.users.OTHER_THERAPIST.id]);
  expect(at10.freeRooms).toBe(1);

  const own = times(await slots({ date, therapistId: org.users.THERAPIST.id }));
  expect(own).toContain('08:45'); // 08:45–09:55 (+10 min buffer) ends before 10:00
  expect(own).not.toContain('09:00'); // its buffer would run into 10:00
  expect(own).not.toContain('10:30');
  expect(own).not.toContain('11:00'); // the booked service holds the therapist until 11:10
  expect(own).toContain('11:15');
});

test('room capacity: when every room of the kind is taken, the slot is gone although therapists are free', async () => {
  const offset = day++;
  const date = dateIn(offset);
  // Both 理疗房 held by staff without a bookable profile here (e.g. a manager helping out).
  for (const [user, room] of [
    [org.users.MANAGER, menu.roomA],
    [org.users.OWNER, menu.roomB],
  ] as const)
    await insertAppointment(testApp, org, {
      customerId: org.unassigned.id,
      therapistId: user.id,
      service: menu.massage,
      startsAt: localInstant(offset, '18:00'),
      roomId: room.id,
    });
  const local = times(await slots({ date }));
  expect(local).toContain('16:45');
  expect(local).not.toContain('18:00');
  expect(local).not.toContain('17:00');
  expect(local).toContain('19:15');
  // A service that needs no room is not limited by rooms.
  const haircut = times(await slots({ date, serviceId: menu.haircut.id }));
  expect(haircut).toContain('18:00');
});

test('leave takes a therapist out; past times of today are never offered', async () => {
  const offset = day++;
  const date = dateIn(offset);
  await addLeave(testApp, org, org.users.OTHER_THERAPIST.id, date);
  expect(await slots({ date, therapistId: org.users.OTHER_THERAPIST.id })).toEqual([]);
  const list = await slots({ date });
  expect(list.length).toBeGreaterThan(0);
  for (const slot of list)
    expect(slot.therapists.map((therapist) => therapist.id)).toEqual([org.users.THERAPIST.id]);

  const today = await slots({ date: dateIn(0), stepMinutes: 30 });
  for (const slot of today)
    expect(new Date(slot.startsAt).getTime()).toBeGreaterThanOrEqual(Date.now() - 60_000);
});

test('the front desk books a slot it found; bad arguments are named; marketing may not look', async () => {
  const offset = day++;
  const [slot] = await slots({ date: dateIn(offset), therapistId: org.users.OTHER_THERAPIST.id });
  const booked = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { appointment { startsAt items { therapist { id } } } } }`,
    {
      input: {
        customerId: org.unassigned.id,
        storeId: org.storeId,
        channel: 'PHONE',
        startsAt: slot.startsAt,
        items: [{ serviceId: menu.massage.id, therapistId: slot.therapists[0].id }],
      },
    },
  );
  expect(booked.errors).toBeUndefined();
  expect(booked.data!.bookAppointment.appointment.startsAt).toBe(slot.startsAt);
  expect(
    times(await slots({ date: dateIn(offset), therapistId: org.users.OTHER_THERAPIST.id })),
  ).not.toContain(times([slot])[0]);

  const query = (args: string, token = org.tokens.FRONT_DESK) =>
    execute(testApp, token, `{ availability(${args}) { startsAt } }`);
  const base = `storeId: "${org.storeId}", serviceId: "${menu.massage.id}", date: "${dateIn(offset)}"`;
  const step = await query(`${base}, stepMinutes: 3`);
  expect(step.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  const store = await query(
    `storeId: "00000000-0000-4000-8000-000000000000", serviceId: "${menu.massage.id}", date: "${dateIn(offset)}"`,
  );
  expect(store.errors![0].extensions!.code).toBe('NOT_FOUND');
  const date = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `query($date: LocalDate!) { availability(storeId: "${org.storeId}", serviceId: "${menu.massage.id}", date: $date) { startsAt } }`,
    { date: '2026-02-30' },
  );
  expect(date.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  // A past day is refused with the reason, not answered with an empty list that looks fully booked.
  const yesterday = await query(
    `storeId: "${org.storeId}", serviceId: "${menu.massage.id}", date: "${dateIn(-1)}"`,
  );
  expect(yesterday.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'date',
    rule: 'past',
  });
  expect(yesterday.errors![0].message).toMatch(/before today/);
  const marketing = await query(base, org.tokens.MARKETING);
  expect(marketing.errors![0].extensions!.code).toBe('FORBIDDEN');
});
