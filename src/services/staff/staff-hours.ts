import type { ScheduleException, WorkingHours } from '../../entities';
import { ScheduleExceptionKind } from '../../entities/staff/staff.enums';
import { minutesOf } from '../../core/local-time';

/** [from, to) in minutes after local midnight. */
export type Range = [number, number];

/**
 * When a staff member works on one local date, in minutes after midnight: the weekly hours of that
 * weekday plus 加班 (EXTRA_SHIFT), merged, minus 请假 (LEAVE; a LEAVE without hours takes the day).
 * `hours` and `exceptions` are that person's, for that weekday and date.
 */
export function workingRanges(hours: WorkingHours[], exceptions: ScheduleException[]): Range[] {
  const leave = exceptions.filter((e) => e.kind === ScheduleExceptionKind.LEAVE);
  if (leave.some((e) => !e.startsAt)) return [];
  const open: Range[] = [
    ...hours.map((h): Range => [minutesOf(h.startsAt), minutesOf(h.endsAt)]),
    ...exceptions
      .filter((e) => e.kind === ScheduleExceptionKind.EXTRA_SHIFT && e.startsAt && e.endsAt)
      .map((e): Range => [minutesOf(e.startsAt!), minutesOf(e.endsAt!)]),
  ].sort((a, b) => a[0] - b[0]);
  // Adjacent or overlapping periods (10:00–14:00, 14:00–18:00) count as one.
  let merged: Range[] = [];
  for (const range of open) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  for (const off of leave) {
    const [offFrom, offTo] = [minutesOf(off.startsAt!), minutesOf(off.endsAt!)];
    merged = merged.flatMap(([from, to]): Range[] =>
      offTo <= from || to <= offFrom
        ? [[from, to]]
        : (
            [
              [from, offFrom],
              [offTo, to],
            ] as Range[]
          ).filter(([a, b]) => a < b),
    );
  }
  return merged;
}

export function covers(ranges: Range[], from: number, to: number): boolean {
  return ranges.some(([rangeFrom, rangeTo]) => rangeFrom <= from && to <= rangeTo);
}

/** 'HH:MM' as minutes after midnight, or null when malformed; '24:00' only where `endOfDay` allows it. */
export function parseClock(value: string, endOfDay = false): number | null {
  if (endOfDay && value === '24:00') return 24 * 60;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** Minutes after midnight as 'HH:MM' (1440 is '24:00'). */
export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
