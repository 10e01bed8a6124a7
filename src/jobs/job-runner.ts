import type { MikroORM } from '@mikro-orm/postgresql';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { runCareSchedule } from '../services/care/care-schedule.service';
import { recomputeRuleTagsEverywhere } from '../services/segments/tag-rules';
import { runCustomerRetention } from './customer-retention.job';
import { compactCustomerTally, purgeIdempotencyRecords } from './maintenance.job';
import { expirePointsEverywhere } from './points-expiry.job';
import { runQueuedImports } from './customer-import.job';
import { refreshDueRfmSnapshots } from './rfm-snapshot.job';
import { DEFAULT_IMPORT_FILE_RETENTION_DAYS, purgeStaleImportFiles } from '../services/imports/import-purge';
import { asMaintenance } from '../services/tenancy';

/** A scheduled job: its queue name, when it runs (cron, UTC) and what it does. */
export interface JobDefinition {
  name: string;
  cron: string;
  run(context: JobContext): Promise<unknown>;
  /** Unset: 15 minutes, after which pg-boss counts a running job as failed. */
  expireInSeconds?: number;
  /** pg-boss queue policy; unset: 'standard'. */
  policy?: 'standard' | 'stately';
  /** Retries after a failure, a minute apart; unset: 3. */
  retryLimit?: number;
}

/** What a job runs with. */
export interface JobContext {
  /** The jobs pool (login wellness_worker). */
  orm: MikroORM;
  logger: Logger;
  settings: JobSettings;
  /** Aborted when the runner stops: a long job ends early instead of being cut off. */
  signal: AbortSignal;
}

/** What the configuration says to the jobs (server/config.ts). */
export interface JobSettings {
  /** IMPORT_FILE_RETENTION_DAYS: an uploaded file without its real run is deleted after this many days. */
  importFileRetentionDays: number;
}

/**
 * The schedule. The jobs are idempotent and cheap when there is nothing to do, so they run
 * often: a task appears within 15 minutes of becoming due, lapsed points go and rule-based tags
 * (高端客户 …) are recomputed within the hour, idempotency records past retention go daily. Local
 * dates (birthdays, holidays) are computed in SQL in each store's time zone, not by the cron.
 */
export const JOBS: JobDefinition[] = [
  {
    name: 'care-schedule',
    cron: '*/15 * * * *',
    run: ({ orm, logger }) =>
      runCareSchedule(orm.em.fork(), {
        onError: (organizationId, error) =>
          logger.error({ err: error, organizationId }, 'care schedule failed for an organization'),
      }),
  },
  {
    name: 'points-expiry',
    cron: '7 * * * *',
    run: ({ orm }) => expirePointsEverywhere(orm.em.fork()),
  },
  {
    name: 'idempotency-purge',
    cron: '41 19 * * *',
    run: ({ orm }) => purgeIdempotencyRecords(orm.em.fork()),
  },
  {
    // The customers pages' counts (customer_tally): each organization's deltas folded into one row.
    name: 'customer-tally',
    cron: '29 * * * *',
    run: ({ orm }) => compactCustomerTally(orm.em.fork()),
  },
  {
    // 建档导入 files dry-run (or only uploaded) and then left: personal data kept for no run.
    name: 'import-file-purge',
    cron: '53 19 * * *',
    run: ({ orm, settings }) => purgeStaleImportFiles(orm.em.fork(), settings.importFileRetentionDays),
  },
  {
    name: 'tag-rules',
    cron: '23 * * * *',
    run: ({ orm, logger }) =>
      recomputeRuleTagsEverywhere(orm.em.fork(), (organizationId, error) =>
        logger.error({ err: error, organizationId }, 'rule tags failed for an organization'),
      ),
  },
  {
    // 建档导入 of files too large for a request (customer-import.job.ts); sent on demand too.
    name: 'customer-import',
    cron: '* * * * *',
    run: ({ orm, logger }) => runQueuedImports(orm, logger),
  },
  {
    // Off unless an organization sets eraseLostCustomersAfterYears; daily is plenty for a rule in years.
    name: 'customer-retention',
    cron: '17 18 * * *',
    run: ({ orm, logger }) =>
      runCustomerRetention(orm.em.fork(), (organizationId, customerId, error) =>
        logger.error({ err: error, organizationId, customerId }, 'retention erasure failed for a customer'),
      ),
  },
  {
    // RFM's snapshot (rfm-snapshot.job.ts): each organization's after its night, or soon after a refresh is asked.
    name: 'rfm-snapshot',
    cron: '*/10 * * * *',
    run: ({ orm, logger }) =>
      refreshDueRfmSnapshots(orm.em.fork(), (organizationId, error) =>
        logger.error({ err: error, organizationId }, 'rfm snapshot failed for an organization'),
      ),
  },
];

export interface JobRunner {
  boss: PgBoss;
  stop(): Promise<void>;
}

/**
 * Starts pg-boss on the service's PostgreSQL (its own `pgboss` schema, created and migrated by pg-boss
 * as the database owner) and works every queue. Any number of runners may share a database: cron
 * ticks are sent once, and the jobs themselves are safe to run twice at the same time. `orm` is the
 * jobs pool (Database.jobsOrm, login wellness_worker): the request pool refuses maintenance.
 */
export async function startJobRunner(
  url: string,
  orm: MikroORM,
  logger: Logger,
  options: {
    schedule?: boolean;
    pollingIntervalSeconds?: number;
    /** Jobs the composition root adds (the embedded cluster's base backups, server/backup.schedule.ts). */
    extraJobs?: JobDefinition[];
    /** Jobs switched off by the configuration, whose schedule an earlier start left. */
    unschedule?: string[];
  } & Partial<JobSettings> = {},
): Promise<JobRunner> {
  const settings: JobSettings = {
    importFileRetentionDays: options.importFileRetentionDays ?? DEFAULT_IMPORT_FILE_RETENTION_DAYS,
  };
  const boss = new PgBoss({
    connectionString: url,
    schema: 'pgboss',
    application_name: 'wellness-jobs',
    max: 3,
    schedule: options.schedule ?? true,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'job runner error'));
  await boss.start();
  const jobs = [...JOBS, ...(options.extraJobs ?? [])];
  const stopping = new AbortController();
  // A job switched off (BACKUP_SCHEDULE=off) keeps its schedule in the database, which would queue
  // jobs nobody works. Only names the caller says are off: runners sharing a database may have
  // other jobs (a worker on DATABASE_URL has no base backup; an older version during a deploy).
  if (options.schedule ?? true) for (const name of options.unschedule ?? []) await boss.unschedule(name);
  for (const job of jobs) {
    const queue = {
      name: job.name,
      policy: job.policy ?? 'standard',
      retryLimit: job.retryLimit ?? 3,
      retryDelay: 60,
      expireInSeconds: job.expireInSeconds ?? 900,
    } as const;
    // createQueue leaves an existing queue as it is: updateQueue brings changed settings to it.
    await boss.createQueue(job.name, queue);
    await boss.updateQueue(job.name, queue);
    if (options.schedule ?? true) await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
    await boss.work(
      job.name,
      { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 10 },
      async ([received]) => {
        const started = Date.now();
        // Jobs work across organizations and say so: they run as the jobs role (row-level security).
        // Their per-organization units (an import, an organization's erasures) run in forOrganization.
        // pg-boss fails a job past its expiry but cannot stop it (a retry would then run beside it):
        // the job's signal says so a little earlier, as it does when the runner stops.
        const signal = AbortSignal.any([
          stopping.signal,
          AbortSignal.timeout(Math.max(queue.expireInSeconds - 30, 1) * 1000),
        ]);
        const result = await asMaintenance(() => job.run({ orm, logger, settings, signal }));
        logger.info({ job: job.name, jobId: received.id, ms: Date.now() - started }, 'job done');
        return result;
      },
    );
  }
  logger.info({ jobs: jobs.map((job) => job.name) }, 'job runner started');
  return {
    boss,
    stop: () => {
      stopping.abort();
      return boss.stop({ graceful: true, wait: true, timeout: 15_000 });
    },
  };
}
