import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppointmentItem,
  Room,
  ScheduleException,
  ServiceItem,
  StaffProfile,
  Store,
  WorkingHours,
} from '../../entities';
import type { User } from '../../entities';
import { todayIn } from '../../core/time';
import { BadInputError, NotFoundError } from '../../core/errors';
import { instantAt, localTime } from '../../core/local-time';
import { covers, workingRanges, type Range } from '../staff/staff-hours';

export interface AvailabilityQuery {
  storeId: string;
  serviceId: string;
  /** Local date of the store, YYYY-MM-DD. */
  date: string;
  therapistId?: string;
  stepMinutes?: number;
}

export interface Slot {
  startsAt: Date;
  endsAt: Date;
  therapists: User[];
  freeRooms: number;
}

const MINUTE = 60_000;

/**
 * 可预约时段: the start times on a local date at which the service can be booked — a qualified
 * therapist works and is free for the service and its buffer, and (if the service needs one) a room
 * of its kind is free. Same rules as booking; five statements whatever the day holds.
 */
export class AvailabilityService {
  constructor(private readonly em: EntityManager) {}

  async slots(query: AvailabilityQuery): Promise<Slot[]> {
    const step = query.stepMinutes ?? 15;
    if (!Number.isInteger(step) || step < 5 || step > 120)
      throw new BadInputError('stepMinutes', 'range', 'stepMinutes must be between 5 and 120.');
    const store = await this.em.findOne(Store, { id: query.storeId });
    if (!store) throw new NotFoundError('Store', query.storeId);
    const service = await this.em.findOne(ServiceItem, { id: query.serviceId, active: true });
    if (!service) throw new NotFoundError('ServiceItem', query.serviceId);

    const zone = store.timezone;
    // A past day has no bookable times: say so, instead of an empty list that looks like a full day.
    const today = todayIn(zone);
    if (query.date < today)
      throw new BadInputError(
        'date',
        'past',
        `date ${query.date} is before today (${today} in ${zone}): availability starts from today.`,
      );
    const dayStart = instantAt(query.date, 0, zone);
    const dayEnd = instantAt(query.date, 24 * 60, zone);
    const weekday = localTime(new Date(dayStart.getTime() + 12 * 60 * MINUTE), zone).weekday;
    const profiles = (
      await this.em.find(
        StaffProfile,
        {
          store: store.id,
          active: true,
          bookable: true,
          user: { active: true, ...(query.therapistId ? { id: query.therapistId } : {}) },
        },
        { populate: ['services', 'user', 'workingHours'], orderBy: { user: { displayName: 'asc' } } },
      )
    ).filter(
      (profile) =>
        profile.services.length === 0 || profile.services.getItems().some((s) => s.id === service.id),
    );
    if (profiles.length === 0) return [];
    const exceptions = await this.em.find(ScheduleException, {
      staffProfile: { $in: profiles.map((profile) => profile.id) },
      date: query.date,
    });
    const hours = new Map<string, Range[]>(
      profiles.map((profile) => [
        profile.id,
        workingRanges(
          profile.workingHours.getItems().filter((h: WorkingHours) => h.weekday === weekday),
          exceptions.filter((e) => e.staffProfile.id === profile.id),
        ),
      ]),
    );
    const rooms = service.roomKind
      ? await this.em.find(Room, { store: store.id, active: true, kind: service.roomKind })
      : [];
    if (service.roomKind && rooms.length === 0) return [];
    const holdMs = (service.durationMinutes + service.bufferMinutes) * MINUTE;
    const busy = await this.em.find(AppointmentItem, {
      blocking: true,
      startsAt: { $lt: new Date(dayEnd.getTime() + holdMs) },
      blockedUntil: { $gt: dayStart },
      $or: [
        { therapist: { $in: profiles.map((profile) => profile.user.id) } },
        ...(rooms.length ? [{ room: { $in: rooms.map((room) => room.id) } }] : []),
      ],
    });

    const now = Date.now();
    const slots: Slot[] = [];
    for (let minute = 0; minute + service.durationMinutes <= 24 * 60; minute += step) {
      const startsAt = instantAt(query.date, minute, zone);
      if (startsAt.getTime() < now) continue;
      const endsAt = new Date(startsAt.getTime() + service.durationMinutes * MINUTE);
      const blockedUntil = new Date(startsAt.getTime() + holdMs);
      const overlaps = (item: AppointmentItem) =>
        item.startsAt < blockedUntil && startsAt < item.blockedUntil;
      const therapists = profiles
        .filter((profile) => covers(hours.get(profile.id)!, minute, minute + service.durationMinutes))
        .filter((profile) => !busy.some((item) => item.therapist.id === profile.user.id && overlaps(item)))
        .map((profile) => profile.user.getEntity());
      if (therapists.length === 0) continue;
      const freeRooms = rooms.filter(
        (room) => !busy.some((item) => item.room?.id === room.id && overlaps(item)),
      ).length;
      if (service.roomKind && freeRooms === 0) continue;
      slots.push({ startsAt, endsAt, therapists, freeRooms });
    }
    return slots;
  }
}
