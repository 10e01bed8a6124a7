import type { EntityManager } from '@mikro-orm/core';
import { ScheduleException, StaffProfile, WorkingHours } from '../entities';
import { ScheduleExceptionKind } from '../entities/staff/staff.enums';
import { dateOf, type OperationsContext } from './operations-context';

/** Weekly hours per therapist: [weekdays, periods]. 钱技师 works split shifts and rests on Mondays. */
const SCHEDULES: [number[], [string, string][]][] = [
  [[1, 2, 3, 4, 5, 6, 7], [['10:00', '22:00']]],
  [
    [2, 3, 4, 5, 6, 7],
    [
      ['10:00', '14:00'],
      ['15:00', '22:00'],
    ],
  ],
  [[1, 2, 3, 4, 5, 6], [['10:00', '22:00']]],
  [[1, 2, 3, 4, 5, 6, 7], [['12:00', '22:00']]],
];

/** Two therapists per store, each with weekly hours; one leave and one extra shift ahead. */
export function createStaffSchedules(em: EntityManager, context: OperationsContext): StaffProfile[] {
  const { organization, stores, therapists, now } = context;
  const profiles = therapists.map((user, index) => {
    const profile = em.create(StaffProfile, {
      organization,
      store: stores[Math.floor(index / 2) % stores.length],
      user,
      title: index % 2 ? '理疗师' : '高级技师',
    });
    const [weekdays, periods] = SCHEDULES[index % SCHEDULES.length];
    for (const weekday of weekdays)
      for (const [startsAt, endsAt] of periods)
        em.create(WorkingHours, { organization, staffProfile: profile, weekday, startsAt, endsAt });
    return profile;
  });
  em.create(ScheduleException, {
    organization,
    staffProfile: profiles[1],
    date: dateOf(now, 3, profiles[1].store.getEntity()),
    kind: ScheduleExceptionKind.LEAVE,
    note: '事假',
  });
  em.create(ScheduleException, {
    organization,
    staffProfile: profiles[2],
    date: dateOf(now, 5, profiles[2].store.getEntity()),
    kind: ScheduleExceptionKind.EXTRA_SHIFT,
    startsAt: '09:00',
    endsAt: '10:00',
    note: '加班',
  });
  return profiles;
}
