import { AppointmentStatus } from '../../src/entities/booking/booking.enums';
import { localTime } from '../../src/core/local-time';
import {
  createCatalogue,
  insertAppointment,
  instantOf,
  type CatalogueFixture,
} from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

/**
 * THERAPIST reads allergies and special conditions of customers assigned to them AND of customers
 * with an appointment with them today (store time zone); never medical history.
 * 李四 (`unassigned`) has an allergy to 芒果 and no assigned staff.
 */
let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
});
afterAll(() => testApp.close());

const paths = {
  direct: (id: string) => `{ customer(id: "${id}") { healthProfile { allergies { substance } } } }`,
  alias: (id: string) =>
    `{ c: customer(id: "${id}") { h: healthProfile { a: allergies { s: substance } } } }`,
  fragment: (id: string) =>
    `query { customer(id: "${id}") { ...F } } fragment F on Customer { healthProfile { ... on HealthProfile { allergies { substance } } } }`,
  connection: () =>
    `{ customers(first: 10, filter: { search: "lisi" }) { edges { node { healthProfile { allergies { substance } } } } } }`,
};

async function allergiesSeenBy(token: string, path: keyof typeof paths): Promise<string | null> {
  const result = await execute(testApp, token, paths[path](org.unassigned.id));
  const text = JSON.stringify(result.data);
  if (text.includes('芒果')) return '芒果';
  expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  return null;
}

async function medicalHistorySeenBy(token: string) {
  const result = await execute(
    testApp,
    token,
    `{ customer(id: "${org.unassigned.id}") { healthProfile { medicalHistory { condition } } } }`,
  );
  return result.errors?.[0].extensions?.code;
}

test('before, with, and after an appointment today, per path', async () => {
  const token = org.tokens.OTHER_THERAPIST;
  for (const path of Object.keys(paths) as (keyof typeof paths)[])
    expect(await allergiesSeenBy(token, path)).toBeNull();

  // Tomorrow's appointment does not count.
  await insertAppointment(testApp, org, {
    customerId: org.unassigned.id,
    therapistId: org.users.OTHER_THERAPIST.id,
    service: menu.haircut,
    startsAt: new Date(Date.now() + 2 * 86_400_000),
  });
  expect(await allergiesSeenBy(token, 'direct')).toBeNull();

  // A cancelled one today does not count either.
  await insertAppointment(testApp, org, {
    customerId: org.unassigned.id,
    therapistId: org.users.OTHER_THERAPIST.id,
    service: menu.haircut,
    startsAt: new Date(),
    status: AppointmentStatus.CANCELLED,
  });
  expect(await allergiesSeenBy(token, 'direct')).toBeNull();

  await insertAppointment(testApp, org, {
    customerId: org.unassigned.id,
    therapistId: org.users.OTHER_THERAPIST.id,
    service: menu.haircut,
    startsAt: new Date(),
  });
  for (const path of Object.keys(paths) as (keyof typeof paths)[])
    expect(await allergiesSeenBy(token, path)).toBe('芒果');
  // Medical history stays CLINICAL: never for therapists.
  expect(await medicalHistorySeenBy(token)).toBe('FORBIDDEN');
  // Another therapist without the appointment still sees nothing.
  expect(await allergiesSeenBy(org.tokens.THERAPIST, 'direct')).toBeNull();
});

test('the appointment counts on its day in the store time zone, not in UTC', async () => {
  const other = await createOrganization(testApp, '夜场洗浴中心');
  const otherMenu = await createCatalogue(testApp, other);
  // 00:30 today in Shanghai is the previous day in UTC (16:30); today's local date must match.
  const today = localTime(new Date(), 'Asia/Shanghai').date;
  const startsAt = instantOf(today, '00:30', 'Asia/Shanghai');
  await insertAppointment(testApp, other, {
    customerId: other.unassigned.id,
    therapistId: other.users.OTHER_THERAPIST.id,
    service: otherMenu.haircut,
    startsAt,
  });
  const result = await execute(
    testApp,
    other.tokens.OTHER_THERAPIST,
    `{ customer(id: "${other.unassigned.id}") { healthProfile { allergies { substance } } } }`,
  );
  expect(JSON.stringify(result.data)).toContain('芒果');
  expect(startsAt.getUTCDate()).not.toBe(new Date(`${today}T12:00:00Z`).getUTCDate());
});
