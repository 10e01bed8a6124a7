import 'reflect-metadata';
import { createServer } from 'node:http';
import type { Logger } from 'pino';
import { Organization } from './entities';
import { loadConfigOrExit, type AppConfig } from './server/config';
import { openDatabase } from './server/database';
import { DataDirectoryInUseError } from './server/data-dir-owner';
import { startBanner } from './server/banner';
import { createHttpApp } from './server/http';
import { createLogger } from './server/logger';
import { jwtSecret } from './server/secrets';
import { startJobRunner } from './jobs/job-runner';
import { runCareSchedule } from './services/care/care-schedule.service';
import { recomputeRuleTagsEverywhere } from './services/segments/tag-rules';
import { DemoSeeder } from './seeders/demo.seeder';
import { asMaintenance } from './services/tenancy';
import { startPlaintextSealing } from './server/plaintext-sealing';
import { TokenService } from './services/access/token.service';
import { embeddedBackups, queueFirstBaseBackup } from './server/backup.schedule';

/** Everything the service starts, in the order it is stopped. */
interface Service {
  apollo: { stop(): Promise<void> };
  jobs?: { stop(): Promise<void> };
  /** The start-up pass that seals health values written before encryption at rest. */
  sealing?: Promise<void>;
  database: { close(): Promise<void> };
}

async function startService(config: AppConfig, logger: Logger): Promise<Service> {
  const database = await openDatabase(config, logger);
  try {
    return await startOn(database, config, logger);
  } catch (error) {
    // A start that fails once the database is open (a taken port …) stops it again: no PostgreSQL of
    // ours is left running without its service.
    await database.close().catch(() => undefined);
    throw error;
  }
}

async function startOn(
  database: Awaited<ReturnType<typeof openDatabase>>,
  config: AppConfig,
  logger: Logger,
): Promise<Service> {
  // Seeding works across organizations: as the jobs role, on the jobs pool (row-level security,
  // services/tenancy.ts; the request pool's login cannot become it).
  if (config.seedDemoData)
    await asMaintenance(async () => {
      const em = database.jobsOrm.em.fork();
      if ((await em.count(Organization, {}, { filters: false })) === 0) {
        await new DemoSeeder().run(em);
        // Care tasks and rule tags at once (回访, the overdue demo complaint, 高端客户 …), not at the
        // job runner's first tick.
        await runCareSchedule(database.jobsOrm.em.fork());
        await recomputeRuleTagsEverywhere(database.jobsOrm.em.fork());
        logger.info('seeded Chinese demo data into the empty database');
      }
    });
  const tokens = new TokenService(await jwtSecret(config), config.jwtTtlSeconds);
  const httpServer = createServer();
  const { app, apollo, metrics } = await createHttpApp(
    config,
    database.orm,
    tokens,
    logger,
    httpServer,
    database.jobsOrm,
  );
  httpServer.on('request', app);
  // A taken port is a failed start (main's catch says so), not an uncaught exception.
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const backups = embeddedBackups(config, database, logger);
  const jobs = config.runJobs
    ? await startJobRunner(database.url, database.jobsOrm, logger, {
        importFileRetentionDays: config.importFileRetentionDays,
        extraJobs: backups.jobs,
        unschedule: backups.unschedule,
      })
    : undefined;
  if (jobs) metrics.observeJobs(jobs.boss);
  if (database.embedded) metrics.observeBackups(config.dataDir);
  if (jobs && backups.jobs.length) await queueFirstBaseBackup(jobs.boss, config.dataDir, logger);
  // Values of a database from before encryption at rest (or restored from such a backup) are sealed
  // in the background, batched (src/server/plaintext-sealing.ts). Counts only.
  const sealing = jobs ? startPlaintextSealing(database.jobsOrm, logger) : undefined;
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port }, 'listening');
  process.stdout.write(startBanner(config, port));
  return { apollo, jobs, sealing, database };
}

async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  // Started a tick later: the signal handlers below are in place before anything starts.
  const service = Promise.resolve().then(() => startService(config, logger));
  let stopping = false;
  const shutdown = async (signal: string) => {
    // `npm start` forwards the terminal's Ctrl-C to a process that got it already: once is enough.
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Keeps the event loop alive until PostgreSQL has stopped, and bounds a stuck shutdown.
    const deadline = setTimeout(() => {
      logger.error('shutdown took longer than 20 s: exiting anyway');
      process.exit(1);
    }, 20_000);
    try {
      // A signal during start-up waits for it: stopping half-started parts is where errors come from.
      const { apollo, jobs, sealing, database } = await service;
      await apollo.stop(); // the drain plugin stops accepting, then waits for in-flight requests
      await jobs?.stop();
      await sealing;
      await database.close();
      clearTimeout(deadline);
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'unclean shutdown');
      process.exit(1);
    }
  };
  // Registered before start-up, and kept (not `once`): a second signal must not kill the process
  // with Node's default action while it drains. SIGHUP: the terminal was closed.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void shutdown(signal));
  await service;
}

main().catch((error) => {
  const reason = error instanceof DataDirectoryInUseError ? error.message : error?.stack;
  process.stderr.write(`Failed to start: ${reason ?? String(error)}\n`);
  process.exit(1);
});
