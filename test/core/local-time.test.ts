import { instantAt, localTime, offsetMinutes } from '../../src/core/local-time';
import { workingRanges } from '../../src/services/staff/staff-hours';
import type { ScheduleException, WorkingHours } from '../../src/entities';
import { ScheduleExceptionKind } from '../../src/entities/staff/staff.enums';

test('instantAt turns a wall-clock time of a zone into the instant, offset-correct', () => {
  expect(instantAt('2026-11-23', 23 * 60 + 30, 'Asia/Shanghai').toISOString()).toBe(
    '2026-11-23T15:30:00.000Z',
  );
  expect(instantAt('2026-11-23', 24 * 60, 'Asia/Shanghai').toISOString()).toBe('2026-11-23T16:00:00.000Z');
  expect(instantAt('2026-11-23', 0, 'Asia/Kolkata').toISOString()).toBe('2026-11-22T18:30:00.000Z');
  expect(offsetMinutes(new Date('2026-06-01T00:00:00Z'), 'Asia/Shanghai')).toBe(480);
  // A zone with DST: before and after the spring change on the same day.
  expect(instantAt('2026-03-29', 60, 'Europe/Berlin').toISOString()).toBe('2026-03-29T00:00:00.000Z');
  expect(instantAt('2026-03-29', 240, 'Europe/Berlin').toISOString()).toBe('2026-03-29T02:00:00.000Z');
  for (const minutes of [0, 450, 1439])
    expect(
      localTime(instantAt('2026-11-23', minutes, 'America/Los_Angeles'), 'America/Los_Angeles').date,
    ).toBe('2026-11-23');
});

test('workingRanges: weekly hours plus extra shifts, merged, minus leave', () => {
  const hours = (startsAt: string, endsAt: string) => ({ startsAt, endsAt }) as WorkingHours;
  const exception = (kind: ScheduleExceptionKind, startsAt?: string, endsAt?: string) =>
    ({ kind, startsAt, endsAt }) as ScheduleException;
  expect(workingRanges([hours('10:00', '14:00'), hours('14:00', '18:00')], [])).toEqual([[600, 1080]]);
  expect(
    workingRanges(
      [hours('10:00', '18:00')],
      [exception(ScheduleExceptionKind.EXTRA_SHIFT, '19:00', '22:00')],
    ),
  ).toEqual([
    [600, 1080],
    [1140, 1320],
  ]);
  expect(
    workingRanges([hours('10:00', '18:00')], [exception(ScheduleExceptionKind.LEAVE, '12:00', '13:30')]),
  ).toEqual([
    [600, 720],
    [810, 1080],
  ]);
  expect(workingRanges([hours('10:00', '18:00')], [exception(ScheduleExceptionKind.LEAVE)])).toEqual([]);
});
