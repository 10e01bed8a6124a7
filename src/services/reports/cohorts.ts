import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../core/errors';
import { todayIn } from '../../core/time';
import { runPrepared } from '../sql';
import { addMonths, daysInMonth, instantsOf } from './period';
import { REPORT_PLAN, type ReportScope } from './report-scope';

/** At most this many cohorts (months) in one report. */
export const MAX_COHORT_MONTHS = 36;

export interface RetentionPoint {
  /** 1: the month after the first visit. */
  monthsLater: number;
  /** YYYY-MM */
  month: string;
  /** Customers of the cohort who visited in that month. */
  customers: number;
  /** customers / the cohort's size, 0–1, 4 decimals. */
  share: number;
}

export interface RetentionCohort {
  /** YYYY-MM: the month of the first visit. */
  month: string;
  customers: number;
  retention: RetentionPoint[];
}

export interface RetentionCohorts {
  from: string;
  to: string;
  timeZone: string;
  cohorts: RetentionCohort[];
}

/**
 * 留存: the live customers by the month (organization's time zone) of their first visit, any store,
 * and for each following month up to `to` (and not after this month) how many of them came again.
 * Any visit counts, settled or not, as for new and returning visitors; the first visits come from
 * report_first_visit (kept by triggers). ONE statement: the cohort
 * sizes and the (cohort, later month) counts; the service zero-fills the triangle.
 */
export async function retentionCohorts(
  em: EntityManager,
  scope: ReportScope,
  range: { from: string; to: string },
): Promise<RetentionCohorts> {
  const from = checkedMonth(range.from, 'from');
  const to = checkedMonth(range.to, 'to');
  if (to < from) throw new BadInputError('to', 'range', 'to is before from.');
  const months = monthsBetween(from, to) + 1;
  if (months > MAX_COHORT_MONTHS)
    throw new BadInputError('to', 'range', `At most ${MAX_COHORT_MONTHS} cohorts (months).`);
  const zone = scope.timeZone;
  const { start, end } = instantsOf(
    { from: `${from}-01`, to: `${to}-${String(daysInMonth(...yearMonth(to))).padStart(2, '0')}` },
    zone,
  );
  const rows = await runPrepared<{ cohort: string; month: string | null; customers: number }>(
    em,
    `with cohort as (
       select f.customer_id, to_char(f.first_visit_at at time zone ?, 'YYYY-MM') as cohort
       from report_first_visit f
       join customer c on c.id = f.customer_id and c.organization_id = f.organization_id and c.archived_at is null
       where f.organization_id = ? and f.first_visit_at >= ? and f.first_visit_at < ?
     ), visited as (
       -- Each cohort customer's months with a visit, once each (hashed): counting distinct customers
       -- per (cohort, month) over every visit sorted them all, on disk past work_mem.
       select distinct v.customer_id, to_char(v.visited_at at time zone ?, 'YYYY-MM') as month
       from visit v
       where v.organization_id = ? and v.visited_at >= ? and v.visited_at < ?
         and v.customer_id in (select k.customer_id from cohort k)
     )
     select k.cohort, null::text as month, count(*)::int as customers from cohort k group by k.cohort
     union all
     select k.cohort, m.month, count(*)::int
     from cohort k join visited m on m.customer_id = k.customer_id
     group by 1, 2`,
    [zone, scope.organizationId, start, end, zone, scope.organizationId, start, end],
    REPORT_PLAN,
  );
  const thisMonth = todayIn(zone).slice(0, 7);
  const count = (cohort: string, month: string | null) =>
    rows.find((row) => row.cohort === cohort && row.month === month)?.customers ?? 0;
  const cohorts: RetentionCohort[] = [];
  for (let index = 0; index < months; index++) {
    const month = addMonths(`${from}-01`, index).slice(0, 7);
    const customers = count(month, null);
    const retention: RetentionPoint[] = [];
    for (let later = 1; index + later < months; later++) {
      const visited = addMonths(`${from}-01`, index + later).slice(0, 7);
      if (visited > thisMonth) break;
      const returned = count(month, visited);
      retention.push({
        monthsLater: later,
        month: visited,
        customers: returned,
        share: customers ? Math.round((returned / customers) * 10_000) / 10_000 : 0,
      });
    }
    cohorts.push({ month, customers, retention });
  }
  return { from, to, timeZone: zone, cohorts };
}

function checkedMonth(text: string, field: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(text);
  const [year, month] = match ? match.slice(1).map(Number) : [0, 0];
  if (!match || year < 2000 || year > 2100 || month < 1 || month > 12)
    throw new BadInputError(field, 'format', `${field} is not a YYYY-MM month between 2000 and 2100.`);
  return text;
}

function yearMonth(month: string): [number, number] {
  const [year, number] = month.split('-').map(Number);
  return [year, number];
}

function monthsBetween(from: string, to: string): number {
  const [fromYear, fromMonth] = yearMonth(from);
  const [toYear, toMonth] = yearMonth(to);
  return (toYear - fromYear) * 12 + (toMonth - fromMonth);
}
