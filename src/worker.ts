/**
 * The job runner alone, without HTTP: `npm run worker`. Run it next to API instances started with
 * RUN_JOBS=false (or next to ones that run jobs too: the jobs are safe to run twice at once).
 * Without DATABASE_URL it uses the embedded PostgreSQL of DATA_DIR, the running service's if any.
 */
import 'reflect-metadata';
import { loadConfigOrExit } from './server/config';
import { openDatabase } from './server/database';
import { createLogger } from './server/logger';
import { startJobRunner } from './jobs/job-runner';
import { adoptMasterKeys } from './core/crypto/data-keys';
import { asMaintenance } from './services/tenancy';
import { masterKeys } from './core/crypto/master-keys';
import { embeddedBackups, queueFirstBaseBackup } from './server/backup.schedule';

async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger, { attach: true });
  // Like the service: a wrong MASTER_KEY stops the start (the jobs seal and open health data).
  await asMaintenance(() => adoptMasterKeys(database.jobsOrm.em, masterKeys(config)));
  // The jobs pool (login wellness_worker): the worker serves no request.
  // Attached to the embedded cluster it backs it up on BACKUP_SCHEDULE, as the service would.
  const backups = embeddedBackups(config, database, logger);
  const runner = startJobRunner(database.url, database.jobsOrm, logger, {
    importFileRetentionDays: config.importFileRetentionDays,
    extraJobs: backups.jobs,
    unschedule: backups.unschedule,
  }).then(async (started) => {
    if (backups.jobs.length) await queueFirstBaseBackup(started.boss, config.dataDir, logger);
    return started;
  });
  // Registered before the runner is up: a stop signal during its start-up still ends cleanly.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    await (await runner).stop();
    await database.close();
    process.exit(0);
  };
  // Kept (not `once`): `npm run worker` forwards the terminal's Ctrl-C to a process that got it already.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void shutdown(signal));
  await runner;
}

main().catch((error) => {
  process.stderr.write(`Worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
