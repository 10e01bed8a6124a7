import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { listBaseBackups, takeBaseBackup, type BaseBackup } from './backup.base';
import { applyRetention } from './backup.retention';
import { DEFAULT_BACKUP_SCHEDULE, type AppConfig, type BackupRetention } from './config';

/**
 * Base backups of the embedded PostgreSQL on a schedule (BACKUP_SCHEDULE, README "Backups"). The WAL
 * archive grows with every write and only a base backup's retention prunes it: without backups taken
 * for it, a DATA_DIR fills its disk. The service (and `npm run worker` attached to its cluster) runs
 * them as a pg-boss job; `npm run backup` takes the same backup by hand.
 */
export const BASE_BACKUP_JOB = 'base-backup';

/** A new install's first base backup this long after the start: its demo data or import in, once. */
export const FIRST_BACKUP_DELAY_SECONDS = 120;

export interface BackupResult {
  backup: BaseBackup;
  removedBackups: string[];
  removedWalFiles: number;
  removedDrafts: number;
}

/** A base backup now, then BACKUP_RETENTION: `npm run backup` and the scheduled job alike. */
export async function backUp(
  dataDirectory: string,
  maintenanceUrl: string,
  retention: BackupRetention,
  signal?: AbortSignal,
): Promise<BackupResult> {
  const backup = await takeBaseBackup(dataDirectory, maintenanceUrl, signal);
  return { backup, ...(await applyRetention(dataDirectory, retention)) };
}

/** The scheduled job, for the job runner (jobs/ may not import server/: main.ts hands it over). */
export interface BaseBackupJob {
  name: string;
  cron: string;
  /** A backup copies the whole cluster: pg-boss's 15 minutes would expire a large one mid-copy. */
  expireInSeconds: number;
  /** At most one queued and one running (several runners may share the database). */
  policy: 'stately';
  /** One more try a minute after a failure; then the next scheduled night. */
  retryLimit: number;
  run(context: { signal: AbortSignal }): Promise<{ backup: string; bytes: number }>;
}

/** What the job runner is told about base backups: the job, or that its schedule is to go. */
export interface EmbeddedBackups {
  jobs: BaseBackupJob[];
  /** BACKUP_SCHEDULE=off: the schedule an earlier start left is removed. */
  unschedule: string[];
}

/**
 * The scheduled backup of the DATA_DIR's embedded cluster. With DATABASE_URL nothing either way: that
 * server is backed up by its own tools, and it may be another process's embedded cluster, whose
 * schedule is that process's to keep.
 */
export function embeddedBackups(
  config: Pick<AppConfig, 'dataDir' | 'backupRetention' | 'backupSchedule'>,
  database: { embedded?: { url: string } },
  logger: Logger,
): EmbeddedBackups {
  const cron = config.backupSchedule === undefined ? DEFAULT_BACKUP_SCHEDULE : config.backupSchedule;
  if (!database.embedded) return { jobs: [], unschedule: [] };
  if (cron === null) return { jobs: [], unschedule: [BASE_BACKUP_JOB] };
  const job = baseBackupJob({
    dataDirectory: config.dataDir,
    maintenanceUrl: database.embedded.url,
    retention: config.backupRetention ?? { backups: 7 },
    cron,
    logger,
  });
  return { jobs: [job], unschedule: [] };
}

export function baseBackupJob(options: {
  dataDirectory: string;
  /** A superuser's URL of the embedded cluster (pg_backup_start). */
  maintenanceUrl: string;
  retention: BackupRetention;
  cron: string;
  logger: Logger;
}): BaseBackupJob {
  return {
    name: BASE_BACKUP_JOB,
    cron: options.cron,
    expireInSeconds: 6 * 3600,
    policy: 'stately',
    retryLimit: 1,
    async run({ signal }) {
      try {
        const result = await backUp(options.dataDirectory, options.maintenanceUrl, options.retention, signal);
        options.logger.info(
          {
            backup: result.backup.id,
            bytes: result.backup.bytes,
            removedBackups: result.removedBackups.length,
            removedWalFiles: result.removedWalFiles,
            removedDrafts: result.removedDrafts,
          },
          'base backup taken',
        );
        return { backup: result.backup.id, bytes: result.backup.bytes };
      } catch (error) {
        if (signal.aborted)
          options.logger.warn('base backup stopped: the service is stopping, or it reached its time limit');
        else options.logger.error({ err: error }, 'base backup failed');
        throw error;
      }
    },
  };
}

/**
 * A DATA_DIR without a finished base backup (a new install, or one from before the schedule) gets
 * one `delaySeconds` after the start instead of at the first scheduled night: until then its
 * archived WAL restores nothing. Queued once: the queue (policy stately) holds at most one waiting
 * backup, so a restart before it ran queues none.
 */
export async function queueFirstBaseBackup(
  boss: Pick<PgBoss, 'send'>,
  dataDirectory: string,
  logger: Logger,
  delaySeconds = FIRST_BACKUP_DELAY_SECONDS,
): Promise<boolean> {
  try {
    if ((await listBaseBackups(dataDirectory)).length > 0) return false;
    const queued = (await boss.send(BASE_BACKUP_JOB, {}, { startAfter: delaySeconds })) !== null;
    if (queued) logger.info({ inSeconds: delaySeconds }, 'no base backup yet: the first one is queued');
    return queued;
  } catch (error) {
    // The service starts anyway: the schedule takes the backup at its hour.
    logger.error({ err: error }, 'could not queue the first base backup');
    return false;
  }
}
