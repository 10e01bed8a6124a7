import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../core/errors';
import { isUuid } from '../../core/uuid';
import type { Viewer } from '../../core/viewer';
import type { ScheduleException, WorkingHours } from '../../entities';
import { Role } from '../../entities/access/access.enums';
import { runPrepared } from '../sql';
import { workingRanges } from '../staff/staff-hours';
import { addDays, instantsOf, type ReportPeriod } from './period';
import { REPORT_PLAN, rollupRowsOf, type ReportScope } from './report-scope';

/** 员工绩效 of one person for the lines they gave. Amounts in 分. */
export interface TherapistPerformance {
  staffId: string;
  name: string;
  /** Visit lines given in the period. */
  servicesPerformed: number;
  visits: number;
  /** Their settled lines at the settled price: list price less the line's share of the tier discount and coupons. */
  revenueAttributed: number;
  /** Of their visits in the period that were rated; null without a rating. */
  averageSatisfaction: number | null;
  customersServed: number;
  /** Customers who visited again, or booked, within 30 days after a visit with them. */
  customersRebooked: number;
  rebookingRate: number;
  /** Complaints received in the period that name them. */
  complaints: number;
  /** Appointment minutes booked with them starting in the period (not cancelled, not no-shows). */
  bookedMinutes: number;
  /** Their working minutes on the period's dates: weekly hours, 加班 and 请假 of their active store profiles. */
  workingMinutes: number;
  /** bookedMinutes / workingMinutes (4 decimals); null without working minutes. */
  utilisation: number | null;
}

/** 顾问 performance: the customers assigned to them now, and what those customers did in the period. */
export interface ConsultantPerformance {
  staffId: string;
  name: string;
  assignedCustomers: number;
  visits: number;
  /** Services consumed (消耗) of their customers' settlements in the period, as revenueReport counts it. */
  spend: number;
}

export interface StaffPerformance {
  period: ReportPeriod;
  therapists: TherapistPerformance[];
  consultants: ConsultantPerformance[];
  /** The therapists' revenueAttributed summed: revenueReport's servicesConsumed for the same scope. */
  revenueAttributed: number;
}

interface Row {
  kind: 'THERAPIST' | 'CONSULTANT';
  staff_id: string;
  name: string;
  lines: number;
  visits: number;
  amount: string;
  satisfaction: string | null;
  customers: number;
  rebooked: number;
  complaints: number;
  booked_minutes: number;
  schedule: Schedule[] | null;
}

/** One store profile's weekly hours and the exceptions on the period's dates, times 'HH:MM'. */
interface Schedule {
  hours: { weekday: number; from: string; to: string }[];
  exceptions: { date: string; kind: string; from: string | null; to: string | null }[];
}

/**
 * Revenue per line: a settlement's tier discount and coupons are kept for the whole visit, and which
 * line a punch paid for is not recorded, so the discount is spread over the visit's lines by list
 * price. Each line takes floor(D·through/S) − floor(D·before/S) of it (through/before: list prices up
 * to and before it in line order), so the shares add up to D exactly and the lines of a settlement to
 * its services consumed. report_settled_line keeps each settled line's share as it is written
 * (Migration20261202100000_report_rollups), report_staff_revenue_day their sums per therapist and
 * local day (Migration20261203120000_report_snapshots); settlements count by when they were made, as
 * in revenueReport.
 */
/** Roles that see every staff member's row; THERAPIST and CONSULTANT see only their own. */
const ALL_STAFF_READERS: Role[] = [Role.OWNER, Role.MANAGER];

/**
 * Whose rows the viewer may see, narrowed by the `staffId` argument: anyone's for the owner and
 * managers, else only the viewer's own (a colleague's id gives no rows, never the colleague's).
 * `undefined`: no row at all.
 */
export function visibleStaff(viewer: Viewer, staffId?: string | null): string | null | undefined {
  if (staffId != null && !isUuid(staffId))
    throw new BadInputError('staffId', 'format', 'staffId is not an id.');
  if (ALL_STAFF_READERS.includes(viewer.role)) return staffId ?? null;
  if (!viewer.userId || (staffId != null && staffId !== viewer.userId)) return undefined;
  return viewer.userId;
}

/**
 * One statement: per therapist the lines they gave in the period, their visits, ratings, customers
 * and the customers who came again or booked within 30 days, all from report_staff_day (a row per
 * store, local day, therapist and customer, kept by triggers: Migration20261203120000_report_snapshots);
 * their settled lines' revenue from report_staff_revenue_day (by settlement time); complaints and
 * booked minutes from the source; per consultant their live assigned customers, those customers'
 * visits and consumption. A store's report reads the days of the store's zone, an organization's
 * those of its own. `staffId` narrows it to one person.
 */
export async function staffPerformance(
  em: EntityManager,
  scope: ReportScope,
  period: ReportPeriod,
  staffId: string | null | undefined,
): Promise<StaffPerformance> {
  if (staffId === undefined) return { period, therapists: [], consultants: [], revenueAttributed: 0 };
  const { start, end } = instantsOf(period, period.timeZone);
  const org = scope.organizationId;
  const store = [scope.storeId, scope.storeId];
  const staff = [staffId, staffId];
  const rowsOf = rollupRowsOf(scope);
  const day = scope.storeId ? 'store_day' : 'org_day';
  const days = [...rowsOf.values, period.from, period.to, ...staff];
  const rows = await runPrepared<Row>(
    em,
    `with performed as (
       -- Per staff member, their rows in (therapist, customer) order from
       -- report_staff_day_therapist_customer_index, so the distinct customers are counted without a
       -- sort: grouped over the organization's rows, a year sorted ~740,000 rows on disk (1.2-1.4 s
       -- against 0.65-0.8 s so, EXPLAIN ANALYZE on the bench's 1,000,000 visits, loaded machine).
       select u.id as therapist_id, x.* from app_user u cross join lateral (
         select sum(lines)::int as lines, sum(visits)::int as visits,
           count(distinct customer_id)::int as customers,
           case when sum(rated) > 0 then round(sum(satisfaction_sum)::numeric / sum(rated), 2) end as satisfaction,
           (count(distinct customer_id) filter (where rebooked))::int as rebooked
         from report_staff_day
         where ${rowsOf.sql} and therapist_id = u.id and ${day} >= ?::date and ${day} <= ?::date) x
       where u.organization_id = ? and (?::uuid is null or u.id = ?) and x.lines is not null
     ), earned as (
       select therapist_id, sum(amount)::bigint as amount
       from report_staff_revenue_day
       where ${rowsOf.sql} and ${day} >= ?::date and ${day} <= ?::date and (?::uuid is null or therapist_id = ?)
       group by therapist_id having sum(lines) > 0
     ), complained as (
       select therapist_id, count(*)::int as complaints
       from complaint
       where organization_id = ? and therapist_id is not null and received_at >= ? and received_at < ?
         and (?::uuid is null or store_id = ?) and (?::uuid is null or therapist_id = ?)
       group by therapist_id
     ), assigned as (
       select id, assigned_consultant_id as consultant_id from customer
       where organization_id = ? and archived_at is null and assigned_consultant_id is not null
         and (?::uuid is null or assigned_consultant_id = ?)
     ), consulted as (
       select a.consultant_id, count(*)::int as customers,
         (select count(*)::int from visit v join assigned b on b.id = v.customer_id
           where b.consultant_id = a.consultant_id and v.organization_id = ? and v.visited_at >= ?
             and v.visited_at < ? and (?::uuid is null or v.store_id = ?)) as visits,
         (select coalesce(sum(s.consumed), 0)::bigint
           from report_settled_visit s join assigned b on b.id = s.customer_id
           where b.consultant_id = a.consultant_id and s.organization_id = ? and s.settled_at >= ?
             and s.settled_at < ? and (?::uuid is null or s.store_id = ?)) as amount
       from assigned a group by a.consultant_id
     ), booked as (
       select i.therapist_id, sum(extract(epoch from i.ends_at - i.starts_at) / 60)::int as minutes
       from appointment_item i
       join appointment a on a.id = i.appointment_id and a.organization_id = i.organization_id
       where i.organization_id = ? and i.starts_at >= ? and i.starts_at < ?
         and a.status not in ('CANCELLED', 'NO_SHOW')
         and (?::uuid is null or a.store_id = ?) and (?::uuid is null or i.therapist_id = ?)
       group by i.therapist_id
     ), scheduled as (
       select p.user_id as therapist_id, json_agg(json_build_object(
         'hours', (select coalesce(json_agg(json_build_object('weekday', h.weekday,
             'from', left(h.starts_at::text, 5), 'to', left(h.ends_at::text, 5))), '[]')
           from working_hours h where h.staff_profile_id = p.id and h.organization_id = p.organization_id),
         'exceptions', (select coalesce(json_agg(json_build_object('date', e.date::text, 'kind', e.kind,
             'from', left(e.starts_at::text, 5), 'to', left(e.ends_at::text, 5))), '[]')
           from schedule_exception e where e.staff_profile_id = p.id and e.organization_id = p.organization_id
             and e.date >= ?::date and e.date <= ?::date))) as schedule
       from staff_profile p
       where p.organization_id = ? and p.active and (?::uuid is null or p.store_id = ?)
         and (?::uuid is null or p.user_id = ?)
       group by p.user_id
     )
     select 'THERAPIST' as kind, u.id as staff_id, u.display_name as name, coalesce(p.lines, 0) as lines,
       coalesce(p.visits, 0) as visits, coalesce(e.amount, 0) as amount, p.satisfaction,
       coalesce(p.customers, 0) as customers, coalesce(p.rebooked, 0) as rebooked,
       coalesce(c.complaints, 0) as complaints, coalesce(k.minutes, 0) as booked_minutes, s.schedule
     from (select therapist_id from performed union select therapist_id from earned
           union select therapist_id from complained union select therapist_id from booked) t
     join app_user u on u.id = t.therapist_id and u.organization_id = ?
     left join performed p on p.therapist_id = t.therapist_id
     left join earned e on e.therapist_id = t.therapist_id
     left join complained c on c.therapist_id = t.therapist_id
     left join booked k on k.therapist_id = t.therapist_id
     left join scheduled s on s.therapist_id = t.therapist_id
     union all
     select 'CONSULTANT', u.id, u.display_name, 0, k.visits, k.amount, null, k.customers, 0, 0, 0, null
     from consulted k join app_user u on u.id = k.consultant_id and u.organization_id = ?
     order by kind desc, amount desc, name, staff_id`,
    [
      ...[...rowsOf.values, period.from, period.to, org, ...staff],
      ...days,
      ...[org, start, end, ...store, ...staff],
      ...[org, ...staff],
      ...[org, start, end, ...store],
      ...[org, start, end, ...store],
      ...[org, start, end, ...store, ...staff],
      ...[period.from, period.to, org, ...store, ...staff],
      org,
      org,
    ],
    REPORT_PLAN,
  );
  const therapists = rows
    .filter((row) => row.kind === 'THERAPIST')
    .map((row) => ({
      staffId: row.staff_id,
      name: row.name,
      servicesPerformed: row.lines,
      visits: row.visits,
      revenueAttributed: Number(row.amount),
      averageSatisfaction: row.satisfaction === null ? null : Number(row.satisfaction),
      customersServed: row.customers,
      customersRebooked: row.rebooked,
      rebookingRate: row.customers ? Math.round((row.rebooked / row.customers) * 10_000) / 10_000 : 0,
      complaints: row.complaints,
      ...utilisation(row.booked_minutes, workingMinutes(row.schedule ?? [], period)),
    }));
  const consultants = rows
    .filter((row) => row.kind === 'CONSULTANT')
    .map((row) => ({
      staffId: row.staff_id,
      name: row.name,
      assignedCustomers: row.customers,
      visits: row.visits,
      spend: Number(row.amount),
    }));
  return {
    period,
    therapists,
    consultants,
    revenueAttributed: therapists.reduce((sum, row) => sum + row.revenueAttributed, 0),
  };
}

function utilisation(bookedMinutes: number, working: number) {
  const rate = working ? Math.round((bookedMinutes / working) * 10_000) / 10_000 : null;
  return { bookedMinutes, workingMinutes: working, utilisation: rate };
}

/** The minutes `workingRanges` (the booking rules' own) gives each date of the period, over the profiles. */
function workingMinutes(schedules: Schedule[], period: ReportPeriod): number {
  let total = 0;
  for (const { hours, exceptions } of schedules) {
    for (let date = period.from; date <= period.to; date = addDays(date, 1)) {
      const weekday = ((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7) + 1; // ISO: Monday 1
      // workingRanges reads only these fields of the entities.
      const weekly = hours
        .filter((h) => h.weekday === weekday)
        .map((h) => ({ startsAt: h.from, endsAt: h.to }) as WorkingHours);
      const onDate = exceptions
        .filter((e) => e.date === date)
        .map(
          (e) =>
            ({ kind: e.kind, startsAt: e.from ?? undefined, endsAt: e.to ?? undefined }) as ScheduleException,
        );
      total += workingRanges(weekly, onDate).reduce((sum, [from, to]) => sum + to - from, 0);
    }
  }
  return total;
}
