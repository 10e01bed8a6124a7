import { BadInputError } from '../../core/errors';
import { instantAt } from '../../core/local-time';
import { ReportGrain } from '../../entities/reports/reports.enums';

/** Local dates, YYYY-MM-DD, both ends included. */
export interface DateRange {
  from: string;
  to: string;
}

/** One bucket of a series: `key` is where its grain starts (a Monday, the 1st), clipped to the period. */
export interface Bucket extends DateRange {
  key: string;
}

/** A report period in a time zone, with the periods it is compared with. */
export interface ReportPeriod extends DateRange {
  grain: ReportGrain;
  timeZone: string;
  /** 环比: the period just before, as long (whole months stay whole months). */
  previous: DateRange;
  /** 同比: the same dates a year before (29 February becomes the 28th, a month's end stays its end). */
  lastYear: DateRange;
  buckets: Bucket[];
}

/** The instants [start, end) a range of local dates covers in a time zone. */
export interface InstantRange {
  start: Date;
  end: Date;
}

/** A DAY series over more than this many years is refused: a client asking it wants a coarser grain. */
export const MAX_DAY_GRAIN_YEARS = 3;
/** No period is longer: a report is a few hundred buckets at most. */
export const MAX_PERIOD_YEARS = 10;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY = 86_400_000;

/** Decides the period of a report, or BAD_USER_INPUT naming the argument. */
export function reportPeriod(
  input: { from: string; to: string; grain?: ReportGrain | null },
  timeZone: string,
  argument = 'period',
): ReportPeriod {
  const grain = input.grain ?? ReportGrain.DAY;
  const from = checkedDate(input.from, `${argument}.from`);
  const to = checkedDate(input.to, `${argument}.to`);
  if (from > to)
    throw new BadInputError(`${argument}.to`, 'range', `${argument}.to is before ${argument}.from.`);
  if (to >= addYears(from, MAX_PERIOD_YEARS))
    throw new BadInputError(`${argument}.to`, 'range', `A period is at most ${MAX_PERIOD_YEARS} years.`);
  if (grain === ReportGrain.DAY && to >= addYears(from, MAX_DAY_GRAIN_YEARS))
    throw new BadInputError(
      `${argument}.grain`,
      'range',
      `A DAY series is at most ${MAX_DAY_GRAIN_YEARS} years: ask for WEEK or MONTH.`,
    );
  return {
    from,
    to,
    grain,
    timeZone,
    previous: previousPeriod({ from, to }),
    lastYear: sameTimeLastYear({ from, to }),
    buckets: buckets({ from, to }, grain),
  };
}

/** 环比: whole calendar months move by their number of months, any other range by its number of days. */
export function previousPeriod(range: DateRange): DateRange {
  const months = wholeMonths(range);
  if (months) return { from: addMonths(range.from, -months), to: endOfMonth(addMonths(range.to, -months)) };
  const days = daysBetween(range.from, range.to) + 1;
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/** 同比: a year back; the last day of a month stays the last day (2024-02-29 ↔ 2023-02-28). */
export function sameTimeLastYear(range: DateRange): DateRange {
  const to = isEndOfMonth(range.to) ? endOfMonth(addYears(range.to, -1)) : addYears(range.to, -1);
  return { from: addYears(range.from, -1), to };
}

/** The buckets of a range: every day, every week from Monday, every calendar month, clipped to the range. */
export function buckets(range: DateRange, grain: ReportGrain): Bucket[] {
  const result: Bucket[] = [];
  for (let key = bucketKey(range.from, grain); key <= range.to; key = nextBucket(key, grain)) {
    const end = addDays(nextBucket(key, grain), -1);
    result.push({ key, from: key < range.from ? range.from : key, to: end > range.to ? range.to : end });
  }
  return result;
}

/** Where the bucket holding a date starts: the date, its week's Monday, its month's 1st. */
export function bucketKey(date: string, grain: ReportGrain): string {
  if (grain === ReportGrain.DAY) return date;
  if (grain === ReportGrain.MONTH) return `${date.slice(0, 8)}01`;
  const weekday = (parse(date).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(date, -weekday);
}

/** The instants a range of local dates covers, from the first midnight to the midnight after the last day. */
export function instantsOf(range: DateRange, timeZone: string): InstantRange {
  return { start: instantAt(range.from, 0, timeZone), end: instantAt(addDays(range.to, 1), 0, timeZone) };
}

export function addDays(date: string, days: number): string {
  return format(new Date(parse(date).getTime() + days * DAY));
}

/** Calendar months later; a day the month lacks becomes its last day (01-31 + 1 month = 02-28/29). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  return ymd(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}

export function addYears(date: string, years: number): string {
  return addMonths(date, years * 12);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function endOfMonth(date: string): string {
  const [year, month] = date.split('-').map(Number);
  return ymd(year, month, daysInMonth(year, month));
}

function isEndOfMonth(date: string): boolean {
  return endOfMonth(date) === date;
}

/** The number of months when a range starts on a 1st and ends on a month's last day, else 0. */
function wholeMonths(range: DateRange): number {
  if (!range.from.endsWith('-01') || !isEndOfMonth(range.to)) return 0;
  const [fromYear, fromMonth] = range.from.split('-').map(Number);
  const [toYear, toMonth] = range.to.split('-').map(Number);
  return (toYear - fromYear) * 12 + (toMonth - fromMonth) + 1;
}

function nextBucket(key: string, grain: ReportGrain): string {
  if (grain === ReportGrain.DAY) return addDays(key, 1);
  if (grain === ReportGrain.WEEK) return addDays(key, 7);
  return addMonths(key, 1);
}

function daysBetween(from: string, to: string): number {
  return Math.round((parse(to).getTime() - parse(from).getTime()) / DAY);
}

function checkedDate(text: string, field: string): string {
  const match = DATE.exec(text);
  const [year, month, day] = match ? match.slice(1).map(Number) : [0, 0, 0];
  if (
    !match ||
    year < 2000 ||
    year > 2100 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month)
  )
    throw new BadInputError(field, 'format', `${field} is not a YYYY-MM-DD date between 2000 and 2100.`);
  return text;
}

function parse(date: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  return instant;
}

function format(instant: Date): string {
  return ymd(instant.getUTCFullYear(), instant.getUTCMonth() + 1, instant.getUTCDate());
}

function ymd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
