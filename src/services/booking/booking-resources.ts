import type { EntityManager } from '@mikro-orm/postgresql';
import { AppointmentItem, Room, ScheduleException, StaffProfile, WorkingHours } from '../../entities';
import type { ServiceItem, Store } from '../../entities';
import { BadInputError, ConflictError } from '../../core/errors';
import { localTime, minutesOf } from '../../core/local-time';
import { covers, workingRanges } from '../staff/staff-hours';

/** One service of a booking, with the times the plan gives it. */
export interface PlannedItem {
  position: number;
  service: ServiceItem;
  startsAt: Date;
  endsAt: Date;
  blockedUntil: Date;
  therapistId?: string;
  roomId?: string;
}

/** Time a therapist or room is held. */
interface Busy {
  startsAt: Date;
  blockedUntil: Date;
  therapistId: string;
  roomId?: string;
}

/**
 * Picks and checks therapists and rooms for planned items: the therapist has a bookable profile in the
 * store, may give the service, works then (weekly hours, 加班 and 请假 of that local date) and is free;
 * a room of the service's kind is free. Loads everything in a fixed number of statements. The
 * exclusion constraints in the database still decide races between concurrent bookings.
 */
export class BookingResources {
  constructor(
    private readonly em: EntityManager,
    private readonly store: Store,
  ) {}

  async assign(items: PlannedItem[]): Promise<void> {
    await this.queueForStore();
    const from = items[0].startsAt;
    const until = items[items.length - 1].blockedUntil;
    const profiles = await this.em.find(
      StaffProfile,
      { store: this.store.id, active: true, bookable: true, user: { active: true } },
      { populate: ['services', 'user'], orderBy: { user: { displayName: 'asc' } } },
    );
    const dates = [...new Set(items.map((item) => this.local(item.startsAt).date))];
    // Sequential: inside the booking transaction all queries share one connection.
    const profileIds = profiles.map((profile) => profile.id);
    const hours = await this.em.find(WorkingHours, { staffProfile: { $in: profileIds } });
    const exceptions = await this.em.find(ScheduleException, {
      staffProfile: { $in: profileIds },
      date: { $in: dates },
    });
    const rooms = await this.em.find(
      Room,
      { store: this.store.id, active: true },
      { orderBy: { name: 'asc' } },
    );
    const busy = await this.em.find(AppointmentItem, {
      blocking: true,
      startsAt: { $lt: until },
      blockedUntil: { $gt: from },
    });
    const taken: Busy[] = busy.map((other) => ({
      startsAt: other.startsAt,
      blockedUntil: other.blockedUntil,
      therapistId: other.therapist.id,
      roomId: other.room?.id,
    }));
    const clashWith = (item: PlannedItem, matches: (other: Busy) => boolean) =>
      taken.find(
        (other) => matches(other) && other.startsAt < item.blockedUntil && item.startsAt < other.blockedUntil,
      );

    items.forEach((item, index) => {
      const field = `items[${index}]`;
      const qualified = profiles.filter(
        (profile) =>
          profile.services.length === 0 || profile.services.getItems().some((s) => s.id === item.service.id),
      );
      const therapistClash = (userId: string) => clashWith(item, (other) => other.therapistId === userId);
      if (item.therapistId) {
        const profile = qualified.find((candidate) => candidate.user.id === item.therapistId);
        if (!profile)
          throw new BadInputError(
            `${field}.therapistId`,
            'bookable',
            `This therapist cannot be booked for ${item.service.name} in ${this.store.name}.`,
          );
        const name = profile.user.getEntity().displayName;
        if (!this.works(profile, hours, exceptions, item))
          throw new BadInputError(
            `${field}.therapistId`,
            'workingHours',
            `${name} does not work ${this.describe(item)}.`,
          );
        const clash = therapistClash(profile.user.id);
        if (clash) throw this.therapistBusy(name, clash);
      } else {
        const profile = qualified.find(
          (candidate) => this.works(candidate, hours, exceptions, item) && !therapistClash(candidate.user.id),
        );
        if (!profile)
          throw new ConflictError(`No therapist for ${item.service.name} is free ${this.describe(item)}.`, {
            reason: 'THERAPIST_BUSY',
          });
        item.therapistId = profile.user.id;
      }

      if (!item.service.roomKind) {
        if (item.roomId)
          throw new BadInputError(`${field}.roomId`, 'noRoom', `${item.service.name} needs no room.`);
      } else {
        const suitable = rooms.filter((room) => room.kind === item.service.roomKind);
        const roomClash = (roomId: string) => clashWith(item, (other) => other.roomId === roomId);
        if (item.roomId) {
          const room = suitable.find((candidate) => candidate.id === item.roomId);
          if (!room)
            throw new BadInputError(
              `${field}.roomId`,
              'roomKind',
              `The room must be an active ${item.service.roomKind} of ${this.store.name}.`,
            );
          const clash = roomClash(room.id);
          if (clash) throw this.roomBusy(room.name, clash);
        } else {
          const room = suitable.find((candidate) => !roomClash(candidate.id));
          if (!room)
            throw new ConflictError(`No ${item.service.roomKind} is free ${this.describe(item)}.`, {
              reason: 'ROOM_BUSY',
            });
          item.roomId = room.id;
        }
      }
      taken.push({ ...item, therapistId: item.therapistId! });
    });
  }

  /**
   * Bookings of one store take turns from here to commit (a transaction-scoped advisory lock): each
   * reads the items the previous one committed, so a clash is found by the check below, with its
   * times. Without it, concurrent inserts met inside the two exclusion constraints, each waiting for
   * the other's uncommitted row, and PostgreSQL aborted them as deadlocks. A store takes a handful of
   * bookings a minute; the constraints stay the final word (e.g. a therapist booked in two stores).
   */
  private async queueForStore(): Promise<void> {
    await this.em
      .getConnection()
      .execute(
        `select pg_advisory_xact_lock(hashtext('booking'), hashtext(?))`,
        [this.store.id],
        'all',
        this.em.getTransactionContext(),
      );
  }

  therapistBusy(name: string, clash: { startsAt: Date; blockedUntil: Date }): ConflictError {
    return new ConflictError(`技师 ${name} is already booked ${this.range(clash)}.`, {
      reason: 'THERAPIST_BUSY',
    });
  }

  roomBusy(name: string, clash: { startsAt: Date; blockedUntil: Date }): ConflictError {
    return new ConflictError(`Room ${name} is already booked ${this.range(clash)}.`, { reason: 'ROOM_BUSY' });
  }

  private works(
    profile: StaffProfile,
    hours: WorkingHours[],
    exceptions: ScheduleException[],
    item: PlannedItem,
  ) {
    const start = this.local(item.startsAt);
    const end = this.local(item.endsAt);
    const from = minutesOf(start.time);
    const to = end.date === start.date ? minutesOf(end.time) : end.time === '00:00' ? 24 * 60 : -1;
    if (to <= from) return false;
    const ranges = workingRanges(
      hours.filter((h) => h.staffProfile.id === profile.id && h.weekday === start.weekday),
      exceptions.filter((e) => e.staffProfile.id === profile.id && e.date === start.date),
    );
    return covers(ranges, from, to);
  }

  private local(instant: Date) {
    return localTime(instant, this.store.timezone);
  }

  private describe(item: PlannedItem): string {
    return this.range({ startsAt: item.startsAt, blockedUntil: item.endsAt });
  }

  private range(span: { startsAt: Date; blockedUntil: Date }): string {
    const start = this.local(span.startsAt);
    return `on ${start.date} ${start.time}–${this.local(span.blockedUntil).time} (${this.store.timezone})`;
  }
}
