import type { EntityManager } from '@mikro-orm/postgresql';
import { AppointmentItem, ScheduleException, StaffProfile, WorkingHours } from '../../entities';
import type { Appointment } from '../../entities';
import { AppointmentStatus } from '../../entities/booking/booking.enums';
import { AuditAction } from '../../entities/audit/audit.enums';
import { ScheduleExceptionKind } from '../../entities/staff/staff.enums';
import type { ScheduleExceptionInput, WorkingHoursInput } from '../../schema/staff/staff-schedule.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { instantAt } from '../../core/local-time';
import { formatClock, parseClock } from './staff-hours';
import { inTransaction } from '../transaction';

/** The most working periods one week may hold (four a day). */
const MAX_WEEKLY_PERIODS = 28;
const OPEN_STATUSES = [AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED, AppointmentStatus.ARRIVED];

/** Weekly hours (排班) and exceptions (请假 / 加班) that booking and availability read. */
export class StaffScheduleService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  /** Replaces the whole week; periods of one weekday may touch (10:00–14:00, 14:00–18:00), not overlap. */
  setWorkingHours(staffProfileId: string, hours: WorkingHoursInput[]): Promise<StaffProfile> {
    const periods = validateWeek(hours);
    return inTransaction(this.em, async (em) => {
      const profile = await em.findOne(StaffProfile, { id: staffProfileId });
      if (!profile) throw new NotFoundError('StaffProfile', staffProfileId);
      await em.nativeDelete(WorkingHours, { staffProfile: profile.id });
      for (const period of periods)
        em.create(WorkingHours, {
          organization: this.viewer.organizationId,
          staffProfile: profile,
          weekday: period.weekday,
          startsAt: formatClock(period.from),
          endsAt: formatClock(period.to),
        });
      this.audit.recordChange(em, AuditAction.UPDATE, 'StaffProfile', profile.id, undefined, [
        'workingHours',
      ]);
      return profile;
    });
  }

  /**
   * Adds 请假 or 加班. Returns the open appointments of that person the leave now overlaps, so the
   * front desk can move them; the leave does not cancel them by itself.
   */
  addException(
    input: ScheduleExceptionInput,
  ): Promise<{ exception: ScheduleException; affectedAppointments: Appointment[] }> {
    const range = validateException(input);
    return inTransaction(this.em, async (em) => {
      const profile = await em.findOne(StaffProfile, { id: input.staffProfileId }, { populate: ['store'] });
      if (!profile) throw new NotFoundError('StaffProfile', input.staffProfileId);
      const exception = em.create(ScheduleException, {
        organization: this.viewer.organizationId,
        staffProfile: profile,
        date: input.date,
        kind: input.kind,
        startsAt: range && formatClock(range.from),
        endsAt: range && formatClock(range.to),
        note: input.note?.trim() || undefined,
      });
      this.audit.recordChange(em, AuditAction.CREATE, 'ScheduleException', exception.id, undefined, [
        'date',
        'kind',
        ...(range ? ['startsAt', 'endsAt'] : []),
      ]);
      if (input.kind !== ScheduleExceptionKind.LEAVE) return { exception, affectedAppointments: [] };
      const timeZone = profile.store.getEntity().timezone;
      const items = await em.find(
        AppointmentItem,
        {
          therapist: profile.user.id,
          blocking: true,
          appointment: { store: profile.store.id, status: { $in: OPEN_STATUSES } },
          startsAt: { $lt: instantAt(input.date, range?.to ?? 24 * 60, timeZone) },
          blockedUntil: { $gt: instantAt(input.date, range?.from ?? 0, timeZone) },
        },
        { populate: ['appointment'], orderBy: { startsAt: 'asc' } },
      );
      const appointments = [
        ...new Map(items.map((item) => [item.appointment.id, item.appointment.getEntity()])).values(),
      ];
      return { exception, affectedAppointments: appointments };
    });
  }

  removeException(id: string): Promise<string> {
    return inTransaction(this.em, async (em) => {
      const exception = await em.findOne(ScheduleException, { id });
      if (!exception) throw new NotFoundError('ScheduleException', id);
      em.remove(exception);
      this.audit.recordChange(em, AuditAction.DELETE, 'ScheduleException', id, undefined, ['date', 'kind']);
      return id;
    });
  }
}

interface Period {
  weekday: number;
  from: number;
  to: number;
}

function validateWeek(hours: WorkingHoursInput[]): Period[] {
  if (hours.length > MAX_WEEKLY_PERIODS)
    throw new BadInputError('hours', 'count', `At most ${MAX_WEEKLY_PERIODS} periods a week.`);
  const periods = hours.map((period, index) => ({
    ...clockRange(`hours[${index}]`, period),
    weekday: period.weekday,
    index,
  }));
  const sorted = [...periods].sort((a, b) => a.weekday - b.weekday || a.from - b.from);
  sorted.forEach((period, position) => {
    const previous = sorted[position - 1];
    if (previous && previous.weekday === period.weekday && period.from < previous.to)
      throw new BadInputError(
        `hours[${period.index}]`,
        'overlap',
        `hours[${period.index}] overlaps hours[${previous.index}] on weekday ${period.weekday}: merge them or make them touch.`,
      );
  });
  return sorted;
}

function validateException(input: ScheduleExceptionInput): { from: number; to: number } | null {
  const hasHours = input.startsAt !== undefined && input.startsAt !== null;
  const hasEnd = input.endsAt !== undefined && input.endsAt !== null;
  if (hasHours !== hasEnd)
    throw new BadInputError(
      hasHours ? 'endsAt' : 'startsAt',
      'pair',
      'Give startsAt and endsAt together, or neither.',
    );
  if (!hasHours) {
    if (input.kind === ScheduleExceptionKind.EXTRA_SHIFT)
      throw new BadInputError('startsAt', 'required', 'An extra shift needs startsAt and endsAt.');
    return null;
  }
  return clockRange('', { startsAt: input.startsAt!, endsAt: input.endsAt! });
}

/** `prefix` names the input object, e.g. `hours[2]`; empty for top-level fields. */
function clockRange(
  prefix: string,
  period: { startsAt: string; endsAt: string },
): { from: number; to: number } {
  const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const from = parseClock(period.startsAt);
  if (from === null)
    throw new BadInputError(
      field('startsAt'),
      'format',
      `${field('startsAt')} must be 'HH:MM' (00:00–23:59).`,
    );
  const to = parseClock(period.endsAt, true);
  if (to === null)
    throw new BadInputError(field('endsAt'), 'format', `${field('endsAt')} must be 'HH:MM' (00:01–24:00).`);
  if (to <= from)
    throw new BadInputError(
      field('endsAt'),
      'afterStart',
      `${field('endsAt')} must be after ${field('startsAt')}.`,
    );
  return { from, to };
}
