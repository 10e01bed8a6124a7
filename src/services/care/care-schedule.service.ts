import { performance } from 'node:perf_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import { lockOrganization } from '../organization-lock';
import { Organization } from '../../entities';
import type { CareTaskKind } from '../../entities/care/care.enums';
import { CARE_GENERATORS, GENERATION_ORDER } from './care-generators';
import { inTransaction } from '../transaction';
import { forOrganization } from '../tenancy';

export interface CareScheduleRun {
  organizationId: string;
  /** Tasks created per kind in this run (0 when a re-run found them all there already). */
  created: Partial<Record<CareTaskKind, number>>;
  total: number;
  /** Milliseconds each generator took (for logs and the benchmark). */
  milliseconds: Partial<Record<CareTaskKind, number>>;
}

/**
 * Creates the care tasks that are due at `now` for one organization or all of them. Idempotent:
 * tasks carry a unique dedupe key, and runs for the same organization are serialized by an advisory
 * lock, so two workers (or a re-run of the day) never create a task twice or break the frequency cap.
 */
export async function runCareSchedule(
  em: EntityManager,
  options: {
    now?: Date;
    organizationId?: string;
    onError?: (organizationId: string, error: unknown) => void;
  } = {},
): Promise<CareScheduleRun[]> {
  const now = options.now ?? new Date();
  const organizations = options.organizationId
    ? [options.organizationId]
    : (await em.find(Organization, {}, { fields: ['id'], orderBy: { id: 'asc' }, filters: false })).map(
        (org) => org.id,
      );
  const runs: CareScheduleRun[] = [];
  const failed: string[] = [];
  for (const organizationId of organizations) {
    try {
      // In the organization's tenancy scope (runtime role, its app.organization_id): row-level security
      // keeps its statements within it; only the list of organizations above is read across them.
      runs.push(
        await forOrganization(organizationId, () => runForOrganization(em.fork(), organizationId, now)),
      );
    } catch (error) {
      // One organization's bad data must not stop the others' 回访 and complaint tasks; the run still
      // fails at the end, so the job is retried and shows up as failed.
      if (options.organizationId) throw error;
      options.onError?.(organizationId, error);
      failed.push(organizationId);
    }
  }
  if (failed.length > 0) throw new Error(`care schedule failed for organizations ${failed.join(', ')}`);
  return runs;
}

function runForOrganization(em: EntityManager, organizationId: string, now: Date): Promise<CareScheduleRun> {
  return inTransaction(em, async (transaction) => {
    const connection = transaction.getConnection();
    const context = transaction.getTransactionContext();
    await lockOrganization(transaction, 'care-schedule', organizationId);
    const run: CareScheduleRun = { organizationId, created: {}, total: 0, milliseconds: {} };
    for (const kind of GENERATION_ORDER) {
      const started = performance.now();
      const result = await connection.execute<{ affectedRows: number }>(
        CARE_GENERATORS[kind],
        [now, organizationId],
        'run',
        context,
      );
      run.created[kind] = result.affectedRows;
      run.milliseconds[kind] = Math.round(performance.now() - started);
      run.total += result.affectedRows;
    }
    return run;
  });
}
