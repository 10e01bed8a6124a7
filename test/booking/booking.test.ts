import { AppointmentStatus } from '../../src/entities/booking/booking.enums';
import { localTime } from '../../src/core/local-time';
import {
  addLeave,
  createCatalogue,
  insertAppointment,
  localInstant,
  type CatalogueFixture,
} from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
/** Each test books its own day, so tests do not clash with each other's appointments. */
let day = 1;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
});
afterAll(() => testApp.close());

/** What a booking screen selects; `findings` only where the role may read health data. */
const book = (token: string, input: Record<string, unknown>, findings = '') =>
  execute(
    testApp,
    token,
    `mutation($input: BookAppointmentInput!) {
      bookAppointment(input: $input) {
        appointment { id status version startsAt endsAt healthReviewRequired
          items { position startsAt endsAt service { name } therapist { id displayName } room { name } } }
        contraindications { healthReviewRequired blocking ${findings} }
      }
    }`,
    {
      input: { customerId: org.unassigned.id, storeId: org.storeId, channel: 'FRONT_DESK', ...input },
    },
  );
const FINDINGS = 'findings { tag { name severity } factKind fact service { name } }';

const blockingItems = () =>
  countRows(testApp.orm, `select count(*) from appointment_item where organization_id = ? and blocking`, [
    org.organizationId,
  ]);

test('the front desk books services in sequence; therapist and room are picked, buffers respected', async () => {
  const startsAt = localInstant(day++, '10:00');
  const result = await book(org.tokens.FRONT_DESK, {
    startsAt,
    items: [{ serviceId: menu.massage.id }, { serviceId: menu.haircut.id }],
  });
  expect(result.errors).toBeUndefined();
  const { appointment } = result.data!.bookAppointment;
  expect(appointment.status).toBe('BOOKED');
  expect(appointment.items).toHaveLength(2);
  const [first, second] = appointment.items;
  expect(new Date(first.startsAt)).toEqual(startsAt);
  expect(new Date(first.endsAt).getTime() - startsAt.getTime()).toBe(60 * 60_000);
  // 肩颈推拿 holds its room and therapist 10 minutes longer; 洗剪吹 starts after that.
  expect(new Date(second.startsAt).getTime() - new Date(first.endsAt).getTime()).toBe(10 * 60_000);
  expect(first.room.name).toBe('理疗房 A');
  expect(second.room).toBeNull();
  expect([org.users.THERAPIST.id, org.users.OTHER_THERAPIST.id]).toContain(first.therapist.id);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where entity_type = 'Appointment' and entity_id = ?`,
      [appointment.id],
    ),
  ).toBe(1);
});

test('a taken therapist gives CONFLICT naming the clash, and writes nothing', async () => {
  const startsAt = localInstant(day++, '14:00');
  const therapistId = org.users.THERAPIST.id;
  expect(
    (await book(org.tokens.FRONT_DESK, { startsAt, items: [{ serviceId: menu.massage.id, therapistId }] }))
      .errors,
  ).toBeUndefined();
  const before = await blockingItems();
  const clash = await book(org.tokens.FRONT_DESK, {
    startsAt: new Date(startsAt.getTime() + 30 * 60_000),
    items: [{ serviceId: menu.haircut.id, therapistId }],
  });
  expect(clash.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'THERAPIST_BUSY' });
  expect(clash.errors?.[0].message).toContain('THERAPIST');
  expect(clash.errors?.[0].message).toContain('14:00–15:10');
  expect(await blockingItems()).toBe(before);
});

test('ten truly concurrent bookings of one therapist and slot: exactly one succeeds, nine get CONFLICT', async () => {
  const startsAt = localInstant(day++, '16:00');
  const before = await blockingItems();
  const results = await Promise.all(
    Array.from({ length: 10 }, () =>
      book(org.tokens.FRONT_DESK, {
        startsAt,
        items: [{ serviceId: menu.haircut.id, therapistId: org.users.THERAPIST.id }],
      }),
    ),
  );
  const succeeded = results.filter((result) => !result.errors);
  const conflicts = results.filter((result) => result.errors?.[0].extensions?.code === 'CONFLICT');
  expect(succeeded).toHaveLength(1);
  expect(conflicts).toHaveLength(9);
  for (const conflict of conflicts) expect(conflict.errors![0].extensions!.reason).toBe('THERAPIST_BUSY');
  expect(await blockingItems()).toBe(before + 1);
});

test('concurrent bookings of one room with different therapists: one succeeds, the other gets ROOM_BUSY', async () => {
  const startsAt = localInstant(day++, '11:00');
  const results = await Promise.all(
    [org.users.THERAPIST.id, org.users.OTHER_THERAPIST.id].map((therapistId) =>
      book(org.tokens.FRONT_DESK, {
        startsAt,
        items: [{ serviceId: menu.massage.id, therapistId, roomId: menu.roomB.id }],
      }),
    ),
  );
  expect(results.filter((result) => !result.errors)).toHaveLength(1);
  expect(results.find((result) => result.errors)!.errors![0].extensions).toMatchObject({
    code: 'CONFLICT',
    reason: 'ROOM_BUSY',
  });
});

test('outside working hours, on leave, or in the past is BAD_USER_INPUT naming the field', async () => {
  const therapistId = org.users.OTHER_THERAPIST.id;
  const early = await book(org.tokens.FRONT_DESK, {
    startsAt: localInstant(day, '07:00'),
    items: [{ serviceId: menu.haircut.id, therapistId }],
  });
  expect(early.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'items[0].therapistId',
    rule: 'workingHours',
  });

  const leaveDay = localInstant(++day, '12:00');

  await addLeave(testApp, org, therapistId, localTime(leaveDay, 'Asia/Shanghai').date);
  const onLeave = await book(org.tokens.FRONT_DESK, {
    startsAt: leaveDay,
    items: [{ serviceId: menu.haircut.id, therapistId }],
  });
  expect(onLeave.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'workingHours' });
  // The other therapist works that day and is picked instead when none is asked for.
  const picked = await book(org.tokens.FRONT_DESK, {
    startsAt: leaveDay,
    items: [{ serviceId: menu.haircut.id }],
  });
  expect(picked.data?.bookAppointment.appointment.items[0].therapist.id).toBe(org.users.THERAPIST.id);

  const past = await book(org.tokens.FRONT_DESK, {
    startsAt: new Date(Date.now() - 86_400_000),
    items: [{ serviceId: menu.haircut.id }],
  });
  expect(past.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'startsAt' });
  day++;
});

test('a booking at 23:30 Asia/Shanghai lands on the local date; one running past midnight is refused', async () => {
  const late = localInstant(day, '23:30');
  const ok = await book(org.tokens.FRONT_DESK, { startsAt: late, items: [{ serviceId: menu.haircut.id }] });
  expect(ok.errors).toBeUndefined();
  // 23:30 in Shanghai is 15:30 UTC of the same date: the UTC instant is exact.
  expect(ok.data!.bookAppointment.appointment.startsAt).toBe(late.toISOString());
  expect(late.getUTCHours()).toBe(15);
  const tooLong = await book(org.tokens.FRONT_DESK, {
    startsAt: late,
    items: [{ serviceId: menu.massage.id, therapistId: org.users.OTHER_THERAPIST.id }],
  });
  expect(tooLong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'workingHours' });
  day++;
});

test('contraindications: everyone learns a review is needed, only clinical roles learn why; strict refuses', async () => {
  const startsAt = localInstant(day++, '09:00');
  const input = { customerId: org.assigned.id, startsAt, items: [{ serviceId: menu.spa.id }] };
  const desk = await book(org.tokens.FRONT_DESK, input, FINDINGS);
  expect(desk.data!.bookAppointment.contraindications).toEqual({
    healthReviewRequired: true,
    blocking: true,
    findings: null,
  });
  expect(desk.data!.bookAppointment.appointment.healthReviewRequired).toBe(true);
  expect(desk.errors).toHaveLength(1);
  expect(desk.errors![0]).toMatchObject({
    path: ['bookAppointment', 'contraindications', 'findings'],
    extensions: { code: 'FORBIDDEN' },
  });
  expect(JSON.stringify(desk)).not.toMatch(/孕期|精油过敏|薰衣草/);

  const manager = await book(
    org.tokens.MANAGER,
    { ...input, startsAt: localInstant(day++, '09:00') },
    FINDINGS,
  );
  expect(manager.errors).toBeUndefined();
  const findings = manager.data!.bookAppointment.contraindications.findings;
  expect(findings).toEqual(
    expect.arrayContaining([
      {
        tag: { name: '孕期禁用', severity: 'AVOID' },
        factKind: 'SPECIAL_CONDITION',
        fact: 'PREGNANCY',
        service: { name: '精油SPA' },
      },
      {
        tag: { name: '精油过敏', severity: 'AVOID' },
        factKind: 'ALLERGY',
        fact: '薰衣草精油',
        service: { name: '精油SPA' },
      },
    ]),
  );
  const audited = await countRows(
    testApp.orm,
    `select count(*) from audit_event where action = 'READ' and customer_id = ? and 'findings' = any(fields)`,
    [org.assigned.id],
  );
  expect(audited).toBe(1);

  const before = await blockingItems();
  const strict = await book(org.tokens.FRONT_DESK, {
    ...input,
    startsAt: localInstant(day++, '09:00'),
    strict: true,
  });
  expect(strict.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'CONTRAINDICATION' });
  expect(strict.errors?.[0].message).not.toMatch(/孕期|精油过敏|薰衣草/);
  expect(await blockingItems()).toBe(before);

  const harmless = await book(org.tokens.FRONT_DESK, {
    ...input,
    startsAt: localInstant(day++, '09:00'),
    items: [{ serviceId: menu.haircut.id }],
  });
  expect(harmless.data!.bookAppointment.contraindications).toEqual({
    healthReviewRequired: false,
    blocking: false,
  });
});

test('status moves: confirm, cancel with a reason frees the slot, illegal moves are CONFLICT', async () => {
  const startsAt = localInstant(day++, '15:00');
  const item = { serviceId: menu.haircut.id, therapistId: org.users.THERAPIST.id };
  const booked = await book(org.tokens.FRONT_DESK, { startsAt, items: [item] });
  const id = booked.data!.bookAppointment.appointment.id;
  const move = (mutation: string, extra = '') =>
    execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation { ${mutation}(id: "${id}"${extra}) { status cancelReason } }`,
    );
  expect((await move('confirmAppointment')).data).toEqual({
    confirmAppointment: { status: 'CONFIRMED', cancelReason: null },
  });
  const early = await move('checkInAppointment');
  expect(early.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOT_TODAY' });
  const noReason = await move('cancelAppointment', ', reason: " "');
  expect(noReason.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
  expect((await move('cancelAppointment', ', reason: "客户临时出差"')).data).toEqual({
    cancelAppointment: { status: 'CANCELLED', cancelReason: '客户临时出差' },
  });
  const again = await move('confirmAppointment');
  expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATE' });
  expect(again.errors?.[0].message).toContain('CANCELLED');
  // The therapist is free again at that time.
  expect((await book(org.tokens.FRONT_DESK, { startsAt, items: [item] })).errors).toBeUndefined();
});

test('rescheduling checks the version and may overlap the slot it leaves', async () => {
  const startsAt = localInstant(day++, '13:00');
  const item = { serviceId: menu.massage.id, therapistId: org.users.OTHER_THERAPIST.id };
  const booked = (await book(org.tokens.FRONT_DESK, { startsAt, items: [item] })).data!.bookAppointment
    .appointment;
  const reschedule = (version: number, at: Date) =>
    execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($id: ID!, $v: Int!, $input: RescheduleAppointmentInput!) {
         rescheduleAppointment(id: $id, expectedVersion: $v, input: $input) { appointment { startsAt version items { therapist { id } } } } }`,
      { id: booked.id, v: version, input: { startsAt: at } },
    );
  const later = new Date(startsAt.getTime() + 30 * 60_000);
  const moved = await reschedule(booked.version, later);
  expect(moved.errors).toBeUndefined();
  expect(moved.data!.rescheduleAppointment.appointment.startsAt).toBe(later.toISOString());
  expect(moved.data!.rescheduleAppointment.appointment.items[0].therapist.id).toBe(
    org.users.OTHER_THERAPIST.id,
  );
  const stale = await reschedule(booked.version, startsAt);
  expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_VERSION' });
});

test('an idempotency key returns the first booking on retry and refuses a different request', async () => {
  const startsAt = localInstant(day++, '10:00');
  const input = {
    startsAt,
    items: [{ serviceId: menu.haircut.id }],
    idempotencyKey: 'pos-retry-0001',
    channel: 'POS',
  };
  const first = await book(org.tokens.FRONT_DESK, input);
  const retry = await book(org.tokens.FRONT_DESK, input);
  expect(retry.errors).toBeUndefined();
  expect(retry.data!.bookAppointment.appointment.id).toBe(first.data!.bookAppointment.appointment.id);
  const other = await book(org.tokens.FRONT_DESK, { ...input, startsAt: localInstant(day++, '10:00') });
  expect(other.errors?.[0].extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
});

test('roles: marketing and auditors cannot book or read appointments; a therapist sees only their own', async () => {
  const startsAt = localInstant(day++, '10:00');
  for (const role of ['MARKETING', 'AUDITOR', 'THERAPIST'] as const) {
    const denied = await book(org.tokens[role], { startsAt, items: [{ serviceId: menu.haircut.id }] });
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  }
  const booked = await book(org.tokens.FRONT_DESK, {
    startsAt,
    items: [{ serviceId: menu.haircut.id, therapistId: org.users.THERAPIST.id }],
  });
  const id = booked.data!.bookAppointment.appointment.id;
  const read = (role: 'THERAPIST' | 'OTHER_THERAPIST' | 'MARKETING') =>
    execute(testApp, org.tokens[role], `{ appointment(id: "${id}") { status } }`);
  expect((await read('THERAPIST')).data).toEqual({ appointment: { status: AppointmentStatus.BOOKED } });
  expect((await read('OTHER_THERAPIST')).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  expect((await read('MARKETING')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const mine = await execute(
    testApp,
    org.tokens.OTHER_THERAPIST,
    `{ myAppointments(first: 100) { edges { node { id } } } }`,
  );
  expect(mine.data!.myAppointments.edges.map((edge: any) => edge.node.id)).not.toContain(id);
});

test('appointments with items, services, therapists, rooms and customers cost the same statements for 3 or 30', async () => {
  const query = (first: number) =>
    `{ appointments(first: ${first}) { totalCount edges { node { status customer { name } store { name }
        items { service { name price { amount } } therapist { displayName } room { name } } } } } }`;
  const statements = async (first: number) => {
    testApp.statements.reset();
    const result = await execute(testApp, org.tokens.MANAGER, query(first));
    expect(result.errors).toBeUndefined();
    expect(result.data!.appointments.edges.length).toBe(
      Math.min(first, result.data!.appointments.totalCount),
    );
    return testApp.statements.count;
  };
  expect(await statements(30)).toBe(await statements(3));
});

test('the database itself refuses overlapping items of one therapist, whatever the code does', async () => {
  const startsAt = localInstant(day++, '18:00');
  const insert = () =>
    insertAppointment(testApp, org, {
      customerId: org.unassigned.id,
      therapistId: org.users.THERAPIST.id,
      service: menu.haircut,
      startsAt,
    });
  await insert();
  await expect(insert()).rejects.toMatchObject({
    code: '23P01',
    constraint: 'appointment_item_therapist_overlap',
  });
});

test('Customer.appointments: latest start first, paged; a therapist sees only appointments with them', async () => {
  const query = (token: string, after?: string) =>
    execute(
      testApp,
      token,
      `query($id: ID!, $after: String) { customer(id: $id) { appointments(first: 3, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { startsAt items { therapist { id } } } } } } }`,
      { id: org.unassigned.id, after },
    );
  const collect = async (token: string) => {
    const starts: string[] = [];
    const therapists: string[][] = [];
    let after: string | undefined;
    let total = 0;
    for (;;) {
      const result = await query(token, after);
      expect(result.errors).toBeUndefined();
      const page = result.data!.customer.appointments;
      total = page.totalCount;
      for (const edge of page.edges) {
        starts.push(edge.node.startsAt);
        therapists.push(edge.node.items.map((item: { therapist: { id: string } }) => item.therapist.id));
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return { starts, therapists, total };
  };
  const all = await collect(org.tokens.FRONT_DESK);
  const inDatabase = await countRows(testApp.orm, 'select count(*) from appointment where customer_id = ?', [
    org.unassigned.id,
  ]);
  expect(all.total).toBe(inDatabase);
  expect(all.starts).toHaveLength(inDatabase);
  expect(all.starts).toEqual([...all.starts].sort().reverse());

  const own = await collect(org.tokens.OTHER_THERAPIST);
  expect(own.starts.length).toBeGreaterThan(0);
  expect(own.starts.length).toBeLessThan(inDatabase);
  expect(own.total).toBe(own.starts.length);
  for (const ids of own.therapists) expect(ids).toContain(org.users.OTHER_THERAPIST.id);
});
