import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../core/viewer';
import type { Loaders } from '../read/loaders';
import { runPrepared } from '../sql';
import { instantsOf, reportPeriod, type ReportPeriod } from './period';
import { reportScope } from './report-scope';
import type { PeriodArgument } from './report.service';

/** 状态流转: how many times customers moved between statuses within a period. */
export interface StatusTransitions {
  period: ReportPeriod;
  activeToDormant: number;
  dormantToLost: number;
  dormantToActive: number;
  lostToActive: number;
}

const HOUR = 3_600_000;

/**
 * The moves `deriveStatus` (customers/customer-status.ts) implies, replayed from the anchors it
 * reads: the record's creation, every visit, and `last_visit_at` (an imported last visit without its
 * visit row). After an anchor a customer becomes DORMANT at anchor + dormantAfterDays and LOST at
 * anchor + lostAfterDays unless the next anchor comes first; a visit after a gap of at least those
 * days is a return from DORMANT or LOST. Only anchors from lostAfterDays before the period matter:
 * a visit in the period with no anchor in that window had a gap longer than lostAfterDays.
 * Customers with a status set by staff (status_override) move only by hand and are left out, as
 * are archived ones; with a store, the customers of that home store, as customerActivityReport.
 * The organization's thresholds now are used for the whole period.
 */
export async function statusTransitions(
  em: EntityManager,
  viewer: Viewer,
  loaders: Loaders,
  storeId: string | null,
  input: PeriodArgument,
  now = new Date(),
): Promise<StatusTransitions> {
  const scope = await reportScope(em, viewer, loaders, storeId);
  const period = reportPeriod(input, scope.timeZone);
  const { start, end } = instantsOf(period, period.timeZone);
  const { dormantAfterDays, lostAfterDays } = scope.organization;
  const windowStart = new Date(start.getTime() - lostAfterDays * 24 * HOUR);
  const customers = `c.organization_id = ? and c.archived_at is null and c.status_override is null
    and (?::uuid is null or c.home_store_id = ?)`;
  const who = [scope.organizationId, scope.storeId, scope.storeId];
  const [row] = await runPrepared<Record<string, number>>(
    em,
    `with p as (
       select ?::timestamptz as start, ?::timestamptz as stop, least(?::timestamptz, ?::timestamptz) as until,
         make_interval(hours => ?::int * 24) as dormant, make_interval(hours => ?::int * 24) as lost
     ), anchors as (
       select c.id as customer_id, c.created_at as at, false as visit from customer c
       where ${customers} and c.created_at >= ? and c.created_at < ?
       union
       select c.id, c.last_visit_at, true from customer c
       where ${customers} and c.last_visit_at >= ? and c.last_visit_at < ?
       union
       select v.customer_id, v.visited_at, true
       from visit v join customer c on c.id = v.customer_id and c.organization_id = v.organization_id
       where v.organization_id = ? and v.visited_at >= ? and v.visited_at < ? and ${customers}
     ), steps as (
       select visit, at, lag(at) over w as previous, lead(at) over w as next
       from anchors window w as (partition by customer_id order by at)
     )
     select
       count(*) filter (where at + dormant >= start and at + dormant < until
         and (next is null or next > at + dormant))::int as active_to_dormant,
       count(*) filter (where at + lost >= start and at + lost < until
         and (next is null or next > at + lost))::int as dormant_to_lost,
       count(*) filter (where visit and at >= start and at < stop and previous is not null
         and at - previous >= dormant and at - previous < lost)::int as dormant_to_active,
       count(*) filter (where visit and at >= start and at < stop
         and (previous is null or at - previous >= lost))::int as lost_to_active
     from steps cross join p`,
    [
      start,
      end,
      end,
      now,
      dormantAfterDays,
      lostAfterDays,
      ...who,
      windowStart,
      end,
      ...who,
      windowStart,
      end,
      scope.organizationId,
      windowStart,
      end,
      ...who,
    ],
  );
  return {
    period,
    activeToDormant: row.active_to_dormant,
    dormantToLost: row.dormant_to_lost,
    dormantToActive: row.dormant_to_active,
    lostToActive: row.lost_to_active,
  };
}
