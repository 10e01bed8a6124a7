import { BadInputError } from '../../src/core/errors';
import { ReportGrain } from '../../src/entities/reports/reports.enums';
import {
  addMonths,
  bucketKey,
  buckets,
  instantsOf,
  previousPeriod,
  reportPeriod,
  sameTimeLastYear,
} from '../../src/services/reports/period';

const ZONE = 'Asia/Shanghai';

test('weeks start on Monday and are clipped to the period', () => {
  // 2026-12-01 is a Tuesday.
  expect(bucketKey('2026-12-01', ReportGrain.WEEK)).toBe('2026-11-30');
  expect(bucketKey('2026-12-06', ReportGrain.WEEK)).toBe('2026-11-30'); // Sunday
  expect(bucketKey('2026-12-07', ReportGrain.WEEK)).toBe('2026-12-07'); // Monday
  expect(buckets({ from: '2026-12-01', to: '2026-12-15' }, ReportGrain.WEEK)).toEqual([
    { key: '2026-11-30', from: '2026-12-01', to: '2026-12-06' },
    { key: '2026-12-07', from: '2026-12-07', to: '2026-12-13' },
    { key: '2026-12-14', from: '2026-12-14', to: '2026-12-15' },
  ]);
});

test('month buckets end on the last day of each month, leap February included', () => {
  expect(buckets({ from: '2024-01-15', to: '2024-03-31' }, ReportGrain.MONTH)).toEqual([
    { key: '2024-01-01', from: '2024-01-15', to: '2024-01-31' },
    { key: '2024-02-01', from: '2024-02-01', to: '2024-02-29' },
    { key: '2024-03-01', from: '2024-03-01', to: '2024-03-31' },
  ]);
  expect(buckets({ from: '2023-02-01', to: '2023-02-28' }, ReportGrain.MONTH)).toEqual([
    { key: '2023-02-01', from: '2023-02-01', to: '2023-02-28' },
  ]);
  expect(
    buckets({ from: '2024-02-27', to: '2024-03-01' }, ReportGrain.DAY).map((bucket) => bucket.key),
  ).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
  expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
  expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
  expect(addMonths('2000-03-31', -1)).toBe('2000-02-29'); // 2000 is a leap year (divisible by 400)
});

test('环比: whole months move by months, other ranges by their length in days', () => {
  expect(previousPeriod({ from: '2024-03-01', to: '2024-03-31' })).toEqual({
    from: '2024-02-01',
    to: '2024-02-29',
  });
  expect(previousPeriod({ from: '2024-01-01', to: '2024-03-31' })).toEqual({
    from: '2023-10-01',
    to: '2023-12-31',
  });
  expect(previousPeriod({ from: '2026-12-07', to: '2026-12-13' })).toEqual({
    from: '2026-11-30',
    to: '2026-12-06',
  });
  expect(previousPeriod({ from: '2024-03-01', to: '2024-03-01' })).toEqual({
    from: '2024-02-29',
    to: '2024-02-29',
  });
});

test('同比: a year back, 29 February becomes the 28th and a month end stays a month end', () => {
  expect(sameTimeLastYear({ from: '2024-02-01', to: '2024-02-29' })).toEqual({
    from: '2023-02-01',
    to: '2023-02-28',
  });
  expect(sameTimeLastYear({ from: '2025-02-01', to: '2025-02-28' })).toEqual({
    from: '2024-02-01',
    to: '2024-02-29',
  });
  expect(sameTimeLastYear({ from: '2024-02-29', to: '2024-03-10' })).toEqual({
    from: '2023-02-28',
    to: '2023-03-10',
  });
});

test("a period's instants are the zone's midnights, the end exclusive", () => {
  const range = instantsOf({ from: '2026-12-01', to: '2026-12-31' }, ZONE);
  expect(range.start.toISOString()).toBe('2026-11-30T16:00:00.000Z');
  expect(range.end.toISOString()).toBe('2026-12-31T16:00:00.000Z');
  // New York leaves daylight saving time on 2026-11-01: that day has 25 hours.
  const fallBack = instantsOf({ from: '2026-11-01', to: '2026-11-01' }, 'America/New_York');
  expect(fallBack.end.getTime() - fallBack.start.getTime()).toBe(25 * 3_600_000);
});

test('a report period carries its comparisons and buckets', () => {
  const period = reportPeriod({ from: '2026-11-01', to: '2026-11-30', grain: ReportGrain.WEEK }, ZONE);
  expect(period.previous).toEqual({ from: '2026-10-01', to: '2026-10-31' });
  expect(period.lastYear).toEqual({ from: '2025-11-01', to: '2025-11-30' });
  expect(period.buckets).toHaveLength(6); // 2026-11-01 is a Sunday: its week is a bucket of one day
  expect(reportPeriod({ from: '2026-11-01', to: '2026-11-01' }, ZONE).grain).toBe(ReportGrain.DAY);
});

test('bad periods are BAD_USER_INPUT naming the argument', () => {
  const fieldOf = (input: { from: string; to: string; grain?: ReportGrain }) => {
    try {
      reportPeriod(input, ZONE);
    } catch (error) {
      expect(error).toBeInstanceOf(BadInputError);
      return (error as BadInputError).details;
    }
    throw new Error('accepted');
  };
  expect(fieldOf({ from: '2026-12-02', to: '2026-12-01' })).toMatchObject({
    field: 'period.to',
    rule: 'range',
  });
  expect(fieldOf({ from: '2020-01-01', to: '2023-01-01' })).toMatchObject({ field: 'period.grain' });
  expect(() => reportPeriod({ from: '2020-01-01', to: '2022-12-31' }, ZONE)).not.toThrow();
  expect(() =>
    reportPeriod({ from: '2016-01-01', to: '2025-12-31', grain: ReportGrain.MONTH }, ZONE),
  ).not.toThrow();
  expect(fieldOf({ from: '2016-01-01', to: '2026-01-01', grain: ReportGrain.MONTH })).toMatchObject({
    field: 'period.to',
  });
  expect(fieldOf({ from: '2024-02-30', to: '2024-03-01' })).toMatchObject({
    field: 'period.from',
    rule: 'format',
  });
  expect(fieldOf({ from: '2024-02-01', to: '20240301' })).toMatchObject({ field: 'period.to' });
});
