import type { EntityManager } from '@mikro-orm/postgresql';
import { todayIn } from '../core/time';
import { ORGANIZATION_FILTER } from '../mikro-orm.config';
import { runPrepared } from '../services/sql';
import { refreshRfmSnapshot } from '../services/reports/rfm-snapshot';
import { forOrganization } from '../services/tenancy';

/** The local hour from which an organization's RFM snapshot of the day is computed (the salon closed). */
export const RFM_NIGHT_HOUR = 3;

/**
 * RFM 快照: recomputes the snapshot of every organization that is due: none yet, a refresh asked for
 * since the last one (`customer_rfm_run.requested_at`), or one of an earlier local date once the
 * organization's night has come (RFM_NIGHT_HOUR in its zone). Cheap when none is due, so it runs
 * often; one organization's failure is reported and the others still run, then the run fails so
 * pg-boss retries it. Returns the customers scored per organization refreshed.
 */
export async function refreshDueRfmSnapshots(
  em: EntityManager,
  onError: (organizationId: string, error: unknown) => void = () => {},
  now = new Date(),
): Promise<Record<string, number>> {
  const due = await runPrepared<{ id: string; timezone: string }>(
    em,
    `select o.id, o.timezone from organization o
     left join customer_rfm_run r on r.organization_id = o.id
     where r.organization_id is null or r.requested_at > r.computed_at
       or (r.as_of < (?::timestamptz at time zone o.timezone)::date
         and extract(hour from ?::timestamptz at time zone o.timezone) >= ?)
     order by o.id`,
    [now, now, RFM_NIGHT_HOUR],
  );
  const scored: Record<string, number> = {};
  let failures = 0;
  for (const { id, timezone } of due) {
    // Each organization in its own fork and tenancy scope, like a request of that organization: row-level
    // security keeps its snapshot within it (the list above is the one statement across organizations).
    const scoped = em.fork();
    scoped.setFilterParams(ORGANIZATION_FILTER, { id });
    try {
      const organization = { organizationId: id, timeZone: timezone };
      scored[id] = (
        await forOrganization(id, () => refreshRfmSnapshot(scoped, organization, todayIn(timezone, now)))
      ).scored;
    } catch (error) {
      failures++;
      onError(id, error);
    }
  }
  if (failures > 0) throw new Error(`rfm snapshot: ${failures} organizations failed (logged)`);
  return scored;
}
