import { localTime } from '../../src/core/local-time';
import {
  createCatalogue,
  insertAppointment,
  instantOf,
  type CatalogueFixture,
} from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;
let menu: CatalogueFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家美容院');
  menu = await createCatalogue(testApp, org);
});
afterAll(() => testApp.close());

type Role = keyof OrganizationFixture['tokens'];
const as = (role: Role, query: string, variables?: Record<string, unknown>) =>
  execute(testApp, org.tokens[role], query, variables);

const UPSERT = `mutation($input: StaffProfileInput!) { upsertStaffProfile(input: $input) {
  id title bookable active staffMember { displayName } store { id } services { code } } }`;
const SET_HOURS = `mutation($id: ID!, $hours: [WorkingHoursInput!]!) { setWorkingHours(staffProfileId: $id, hours: $hours) {
  workingHours { weekday startsAt endsAt } } }`;
const ADD_EXCEPTION = `mutation($input: ScheduleExceptionInput!) { addScheduleException(input: $input) {
  exception { id date kind startsAt endsAt note } affectedAppointments { id } } }`;
/** A local date of the store (Asia/Shanghai) `days` from today. */
const localDate = (days: number) => localTime(new Date(Date.now() + days * 86_400_000), 'Asia/Shanghai').date;

async function newProfile(title = '美容顾问') {
  const result = await as('MANAGER', UPSERT, {
    input: { storeId: org.storeId, staffMemberId: org.users.CONSULTANT.id, title, bookable: false },
  });
  expect(result.errors).toBeUndefined();
  return result.data!.upsertStaffProfile;
}

test('a manager creates a staff profile, then the same call updates it and replaces its services', async () => {
  const created = await newProfile();
  expect(created).toMatchObject({
    title: '美容顾问',
    bookable: false,
    active: true,
    staffMember: { displayName: 'CONSULTANT' },
    store: { id: org.storeId },
    services: [],
  });
  const updated = await as('MANAGER', UPSERT, {
    input: {
      storeId: org.storeId,
      staffMemberId: org.users.CONSULTANT.id,
      title: '高级美容顾问',
      serviceIds: [menu.spa.id, menu.massage.id],
    },
  });
  expect(updated.data!.upsertStaffProfile).toMatchObject({
    id: created.id,
    title: '高级美容顾问',
    bookable: false,
  });
  expect(
    updated.data!.upsertStaffProfile.services.map((service: { code: string }) => service.code).sort(),
  ).toEqual(['S01', 'S02']);
  const profiles = await as(
    'FRONT_DESK',
    `query($store: ID!) { staffProfiles(storeId: $store) { staffMember { displayName } title } }`,
    {
      store: org.storeId,
    },
  );
  expect(profiles.data!.staffProfiles).toEqual([
    { staffMember: { displayName: 'CONSULTANT' }, title: '高级美容顾问' },
    { staffMember: { displayName: 'OTHER_THERAPIST' }, title: '技师' },
    { staffMember: { displayName: 'THERAPIST' }, title: '技师' },
  ]);
  const audits = await countRows(
    testApp.orm,
    `select count(*) from audit_event where entity_type = 'StaffProfile' and entity_id = ?`,
    [created.id],
  );
  expect(audits).toBe(2);
  const foreignUser = await as('MANAGER', UPSERT, {
    input: { storeId: org.storeId, staffMemberId: other.users.THERAPIST.id },
  });
  expect(foreignUser.errors![0].extensions!.code).toBe('NOT_FOUND');
});

test('working hours replace the week; split shifts may touch but not overlap; bad times name hours[i] and change nothing', async () => {
  const profile = await newProfile();
  const week = [
    { weekday: 2, startsAt: '14:00', endsAt: '22:00' },
    { weekday: 1, startsAt: '10:00', endsAt: '14:00' },
    { weekday: 1, startsAt: '14:00', endsAt: '18:00' },
    { weekday: 6, startsAt: '18:00', endsAt: '24:00' },
  ];
  const set = await as('MANAGER', SET_HOURS, { id: profile.id, hours: week });
  expect(set.errors).toBeUndefined();
  expect(set.data!.setWorkingHours.workingHours).toEqual([
    { weekday: 1, startsAt: '10:00', endsAt: '14:00' },
    { weekday: 1, startsAt: '14:00', endsAt: '18:00' },
    { weekday: 2, startsAt: '14:00', endsAt: '22:00' },
    { weekday: 6, startsAt: '18:00', endsAt: '24:00' },
  ]);
  const cases: [Record<string, unknown>[], string, string][] = [
    [[{ weekday: 1, startsAt: '9:00', endsAt: '12:00' }], 'hours[0].startsAt', 'format'],
    [[{ weekday: 1, startsAt: '09:00', endsAt: '24:30' }], 'hours[0].endsAt', 'format'],
    [[{ weekday: 1, startsAt: '12:00', endsAt: '12:00' }], 'hours[0].endsAt', 'afterStart'],
    [
      [
        { weekday: 3, startsAt: '09:00', endsAt: '13:00' },
        { weekday: 3, startsAt: '12:30', endsAt: '18:00' },
      ],
      'hours[1]',
      'overlap',
    ],
  ];
  for (const [hours, field, rule] of cases) {
    const result = await as('MANAGER', SET_HOURS, { id: profile.id, hours });
    expect([field, result.errors![0].extensions]).toEqual([
      field,
      expect.objectContaining({ code: 'BAD_USER_INPUT', field, rule }),
    ]);
  }
  const weekday8 = await as('MANAGER', SET_HOURS, {
    id: profile.id,
    hours: [{ weekday: 8, startsAt: '09:00', endsAt: '10:00' }],
  });
  expect(weekday8.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  const stored = await as(
    'THERAPIST',
    `query($id: ID!) { staffProfile(id: $id) { workingHours { weekday } } }`,
    { id: profile.id },
  );
  expect(stored.data!.staffProfile.workingHours).toHaveLength(4);
  const cleared = await as('MANAGER', SET_HOURS, { id: profile.id, hours: [] });
  expect(cleared.data!.setWorkingHours.workingHours).toEqual([]);
});

test('the database refuses overlapping weekly hours even past the service', async () => {
  const profile = await newProfile();
  await as('MANAGER', SET_HOURS, {
    id: profile.id,
    hours: [{ weekday: 4, startsAt: '09:00', endsAt: '13:00' }],
  });
  await expect(
    testApp.orm.em
      .getConnection()
      .execute(
        `insert into working_hours (id, organization_id, staff_profile_id, weekday, starts_at, ends_at) values (gen_random_uuid(), ?, ?, 4, '12:00', '15:00')`,
        [org.organizationId, profile.id],
      ),
  ).rejects.toThrow(/working_hours_no_overlap/);
});

test('a leave lists the open appointments it overlaps and makes the therapist unavailable; removing it restores them', async () => {
  const date = localDate(3);
  const profile = (
    await as('MANAGER', `query($store: ID!) { staffProfiles(storeId: $store) { id staffMember { id } } }`, {
      store: org.storeId,
    })
  ).data!.staffProfiles.find(
    (candidate: { staffMember: { id: string } }) => candidate.staffMember.id === org.users.THERAPIST.id,
  );
  const morning = await insertAppointment(testApp, org, {
    customerId: org.assigned.id,
    therapistId: org.users.THERAPIST.id,
    service: menu.massage,
    startsAt: instantOf(date, '10:00', 'Asia/Shanghai'),
  });
  await insertAppointment(testApp, org, {
    customerId: org.unassigned.id,
    therapistId: org.users.THERAPIST.id,
    service: menu.massage,
    startsAt: instantOf(date, '16:00', 'Asia/Shanghai'),
  });
  const slots = async () =>
    (
      await as(
        'FRONT_DESK',
        `query($store: ID!, $service: ID!, $date: LocalDate!, $therapist: ID) {
        availability(storeId: $store, serviceId: $service, date: $date, therapistId: $therapist) { startsAt } }`,
        {
          store: org.storeId,
          service: menu.haircut.id,
          date,
          therapist: org.users.THERAPIST.id,
        },
      )
    ).data!.availability.length;
  const before = await slots();
  expect(before).toBeGreaterThan(0);

  const leave = await as('MANAGER', ADD_EXCEPTION, {
    input: {
      staffProfileId: profile.id,
      date,
      kind: 'LEAVE',
      startsAt: '09:00',
      endsAt: '13:00',
      note: '看牙医',
    },
  });
  expect(leave.errors).toBeUndefined();
  expect(leave.data!.addScheduleException).toMatchObject({
    exception: { date, kind: 'LEAVE', startsAt: '09:00', endsAt: '13:00', note: '看牙医' },
    affectedAppointments: [{ id: morning }],
  });
  const during = await slots();
  expect(during).toBeLessThan(before);
  const read = await as(
    'THERAPIST',
    `query($id: ID!, $from: LocalDate) { staffProfile(id: $id) { exceptions(from: $from) { kind startsAt } } }`,
    {
      id: profile.id,
      from: date,
    },
  );
  expect(read.data!.staffProfile.exceptions).toEqual([{ kind: 'LEAVE', startsAt: '09:00' }]);

  const removed = await as('MANAGER', `mutation($id: ID!) { removeScheduleException(id: $id) }`, {
    id: leave.data!.addScheduleException.exception.id,
  });
  expect(removed.errors).toBeUndefined();
  expect(await slots()).toBe(before);
  const again = await as('MANAGER', `mutation($id: ID!) { removeScheduleException(id: $id) }`, {
    id: leave.data!.addScheduleException.exception.id,
  });
  expect(again.errors![0].extensions!.code).toBe('NOT_FOUND');
});

test('exception input: hours come in pairs, an extra shift needs hours, a whole-day leave needs none', async () => {
  const profile = await newProfile();
  const add = (input: Record<string, unknown>) =>
    as('MANAGER', ADD_EXCEPTION, { input: { staffProfileId: profile.id, date: localDate(5), ...input } });
  const half = await add({ kind: 'LEAVE', startsAt: '09:00' });
  expect(half.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt', rule: 'pair' });
  const shift = await add({ kind: 'EXTRA_SHIFT' });
  expect(shift.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'startsAt',
    rule: 'required',
  });
  const backwards = await add({ kind: 'EXTRA_SHIFT', startsAt: '20:00', endsAt: '18:00' });
  expect(backwards.errors![0].extensions).toMatchObject({ field: 'endsAt', rule: 'afterStart' });
  const badDate = await as('MANAGER', ADD_EXCEPTION, {
    input: { staffProfileId: profile.id, date: '2026-02-30', kind: 'LEAVE' },
  });
  expect(badDate.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  expect(
    await countRows(testApp.orm, `select count(*) from schedule_exception where staff_profile_id = ?`, [
      profile.id,
    ]),
  ).toBe(0);
  const wholeDay = await add({ kind: 'LEAVE' });
  expect(wholeDay.data!.addScheduleException.exception).toMatchObject({
    kind: 'LEAVE',
    startsAt: null,
    endsAt: null,
  });
});

test('schedules are read by staff who book and serve; only OWNER and MANAGER change them', async () => {
  const query = `query($store: ID!) { staffProfiles(storeId: $store) { id workingHours { weekday } } }`;
  for (const role of ['OWNER', 'MANAGER', 'CONSULTANT', 'THERAPIST', 'FRONT_DESK'] as const) {
    const result = await as(role, query, { store: org.storeId });
    expect([role, result.errors]).toEqual([role, undefined]);
  }
  for (const role of ['MARKETING', 'AUDITOR'] as const) {
    const result = await as(role, query, { store: org.storeId });
    expect([role, result.errors![0].extensions!.code]).toEqual([role, 'FORBIDDEN']);
  }
  const profile = await newProfile();
  for (const role of ['CONSULTANT', 'THERAPIST', 'FRONT_DESK', 'MARKETING', 'AUDITOR'] as const) {
    const result = await as(role, SET_HOURS, { id: profile.id, hours: [] });
    expect([role, result.errors![0].extensions!.code]).toEqual([role, 'FORBIDDEN']);
  }
  const foreign = await execute(testApp, other.tokens.OWNER, SET_HOURS, { id: profile.id, hours: [] });
  expect(foreign.errors![0].extensions!.code).toBe('NOT_FOUND');
});

test('staff profiles with services, hours and exceptions cost the same statements for one store of 3 or 8 profiles', async () => {
  const count = async () => {
    testApp.statements.reset();
    const result = await as(
      'OWNER',
      `query($store: ID!) { staffProfiles(storeId: $store, includeInactive: true) {
      staffMember { displayName } store { name } services { name } workingHours { weekday } exceptions { date } } }`,
      {
        store: org.storeId,
      },
    );
    expect(result.errors).toBeUndefined();
    return { statements: testApp.statements.count, profiles: result.data!.staffProfiles.length };
  };
  const small = await count();
  for (const role of ['OWNER', 'MANAGER', 'FRONT_DESK', 'MARKETING', 'AUDITOR'] as const) {
    const created = await as('MANAGER', UPSERT, {
      input: { storeId: org.storeId, staffMemberId: org.users[role].id, serviceIds: [menu.massage.id] },
    });
    await as('MANAGER', SET_HOURS, {
      id: created.data!.upsertStaffProfile.id,
      hours: [{ weekday: 1, startsAt: '09:00', endsAt: '18:00' }],
    });
  }
  const large = await count();
  expect(large.profiles).toBe(small.profiles + 5);
  expect(large.statements).toBe(small.statements);
});
