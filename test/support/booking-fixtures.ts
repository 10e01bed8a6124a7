import type { TestApp } from './test-app';
import type { OrganizationFixture } from './fixtures';
import {
  Appointment,
  AppointmentItem,
  ContraindicationTag,
  Room,
  ScheduleException,
  ServiceItem,
  StaffProfile,
  Store,
  WorkingHours,
} from '../../src/entities';
import { AllergyCategory, SpecialConditionKind } from '../../src/entities/health/health.enums';
import { AppointmentStatus, BookingChannel } from '../../src/entities/booking/booking.enums';
import { ContraindicationSeverity } from '../../src/entities/catalogue/catalogue.enums';
import { ScheduleExceptionKind } from '../../src/entities/staff/staff.enums';
import { localTime } from '../../src/core/local-time';

export interface CatalogueFixture {
  massage: ServiceItem;
  spa: ServiceItem;
  haircut: ServiceItem;
  roomA: Room;
  roomB: Room;
}

/**
 * A small menu for the organization's store: 肩颈推拿 (60 min + 10 min buffer, 理疗房), 精油SPA (90 min,
 * 孕期禁用 + 精油过敏, 理疗房), 洗剪吹 (30 min, no room); two 理疗房; THERAPIST and OTHER_THERAPIST work
 * every day 08:00–24:00 in the store's time zone.
 */
export async function createCatalogue(testApp: TestApp, org: OrganizationFixture): Promise<CatalogueFixture> {
  const em = testApp.orm.em.fork();
  const organization = org.organizationId;
  const tag = (name: string, severity: ContraindicationSeverity, extra: Partial<ContraindicationTag>) =>
    em.create(ContraindicationTag, { organization, name, severity, ...extra });
  const pregnancy = tag('孕期禁用', ContraindicationSeverity.AVOID, {
    specialConditionKinds: [SpecialConditionKind.PREGNANCY],
  });
  const oil = tag('精油过敏', ContraindicationSeverity.AVOID, {
    allergyCategories: [AllergyCategory.ESSENTIAL_OIL],
  });
  const pressure = tag('高血压慎用', ContraindicationSeverity.CAUTION, {
    keywords: ['高血压', 'hypertension'],
  });
  const service = (code: string, name: string, minutes: number, buffer: number, roomKind?: string) =>
    em.create(ServiceItem, {
      organization,
      code,
      name,
      category: '推拿按摩类',
      durationMinutes: minutes,
      bufferMinutes: buffer,
      price: 19_800,
      roomKind,
    });
  const massage = service('S01', '肩颈推拿', 60, 10, '理疗房');
  const spa = service('S02', '精油SPA', 90, 0, '理疗房');
  spa.contraindications.add(pregnancy, oil);
  const cupping = service('S03', '拔罐', 30, 0, '理疗房');
  cupping.contraindications.add(pregnancy, pressure);
  const haircut = service('S04', '洗剪吹', 30, 0);
  const store = org.storeId;
  const roomA = em.create(Room, { organization, store, name: '理疗房 A', kind: '理疗房' });
  const roomB = em.create(Room, { organization, store, name: '理疗房 B', kind: '理疗房' });
  for (const user of [org.users.THERAPIST, org.users.OTHER_THERAPIST]) {
    const profile = em.create(StaffProfile, { organization, store, user: user.id, title: '技师' });
    for (let weekday = 1; weekday <= 7; weekday++)
      em.create(WorkingHours, {
        organization,
        staffProfile: profile,
        weekday,
        startsAt: '08:00',
        endsAt: '24:00',
      });
  }
  await em.flush();
  return { massage, spa, haircut, roomA, roomB };
}

export async function addLeave(testApp: TestApp, org: OrganizationFixture, userId: string, date: string) {
  const em = testApp.orm.em.fork();
  const profile = await em.findOneOrFail(
    StaffProfile,
    { user: userId, store: org.storeId },
    { filters: false },
  );
  em.create(ScheduleException, {
    organization: org.organizationId,
    staffProfile: profile,
    date,
    kind: ScheduleExceptionKind.LEAVE,
  });
  await em.flush();
}

/** A local wall-clock time of the store's zone as an instant, `days` after today. */
export function localInstant(days: number, time: string, timeZone = 'Asia/Shanghai'): Date {
  const date = localTime(new Date(Date.now() + days * 86_400_000), timeZone).date;
  return instantOf(date, time, timeZone);
}

/** Finds the instant whose wall clock in the zone reads date + time (scans the possible offsets). */
export function instantOf(date: string, time: string, timeZone: string): Date {
  const guess = new Date(`${date}T${time}:00Z`).getTime();
  for (let offsetMinutes = -14 * 60; offsetMinutes <= 14 * 60; offsetMinutes += 15) {
    const candidate = new Date(guess - offsetMinutes * 60_000);
    const local = localTime(candidate, timeZone);
    if (local.date === date && local.time === time) return candidate;
  }
  throw new Error(`${date} ${time} does not exist in ${timeZone}`);
}

export async function setStoreTimezone(testApp: TestApp, org: OrganizationFixture, timezone: string) {
  const em = testApp.orm.em.fork();
  await em.nativeUpdate(Store, { id: org.storeId }, { timezone }, { filters: false });
}

/**
 * An appointment written straight to the database (no booking rules): for policy tests that need one
 * "today" at any hour the suite happens to run.
 */
export async function insertAppointment(
  testApp: TestApp,
  org: OrganizationFixture,
  options: {
    customerId: string;
    therapistId: string;
    service: ServiceItem;
    startsAt: Date;
    status?: AppointmentStatus;
    roomId?: string;
  },
): Promise<string> {
  const em = testApp.orm.em.fork();
  const endsAt = new Date(options.startsAt.getTime() + options.service.durationMinutes * 60_000);
  const status = options.status ?? AppointmentStatus.BOOKED;
  const appointment = em.create(Appointment, {
    organization: org.organizationId,
    store: org.storeId,
    customer: options.customerId,
    channel: BookingChannel.FRONT_DESK,
    startsAt: options.startsAt,
    endsAt,
    status,
    cancelReason: status === AppointmentStatus.CANCELLED ? '客户临时有事' : undefined,
  });
  em.create(AppointmentItem, {
    organization: org.organizationId,
    appointment,
    position: 0,
    service: options.service.id,
    therapist: options.therapistId,
    room: options.roomId,
    startsAt: options.startsAt,
    endsAt,
    blockedUntil: endsAt,
    blocking: status !== AppointmentStatus.CANCELLED && status !== AppointmentStatus.NO_SHOW,
  });
  await em.flush();
  return appointment.id;
}
