import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startJobRunner, type JobRunner } from '../../src/jobs/job-runner';
import { walPosition } from '../../src/server/backup.archive';
import { DRAFT_START, listBaseBackups, takeBaseBackup } from '../../src/server/backup.base';
import { BASE_BACKUP_JOB, embeddedBackups, queueFirstBaseBackup } from '../../src/server/backup.schedule';
import { createMetrics } from '../../src/server/metrics';
import { ensureBuilt } from '../support/build';
import { cli, query, startService } from '../support/embedded-cluster';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * The service backs its embedded PostgreSQL up by itself (BACKUP_SCHEDULE): a pg-boss job takes the
 * base backup npm run backup takes and applies BACKUP_RETENTION, so the WAL archive is pruned
 * without anyone setting up cron. On an embedded cluster of the test's own, with its WAL archive.
 */
const logger = pino({ level: 'silent' });
const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});
beforeAll(() => ensureBuilt(), 180_000);

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('the job takes a base backup, applies the retention and prunes the WAL archive; off unschedules it', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wellness-scheduled-backup-'));
  directories.push(dataDir);
  const service = await startService(dataDir);
  let testApp: TestApp | undefined;
  let runner: JobRunner | undefined;
  try {
    // The database the service would run on (migrated), whose pg-boss the runner uses.
    testApp = await createTestApp(undefined, { databaseUrl: service.url });
    const config = { dataDir, backupRetention: { backups: 1 }, backupSchedule: '5 4 * * *' };
    const backups = embeddedBackups(config, { embedded: { url: service.url } }, logger);
    // A job that runs until the runner stops: stop() must end it by its signal.
    const untilStopped = {
      name: 'until-stopped',
      cron: '0 0 1 1 *',
      run: ({ signal }: { signal: AbortSignal }) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve('stopped'))),
    };
    runner = await startJobRunner(service.url, testApp.orm, logger, {
      pollingIntervalSeconds: 0.5,
      extraJobs: [...backups.jobs, untilStopped],
      unschedule: backups.unschedule,
    });
    const schedules = await runner.boss.getSchedules();
    expect(schedules.find((schedule) => schedule.name === BASE_BACKUP_JOB)).toMatchObject({
      cron: '5 4 * * *',
      timezone: 'UTC',
    });

    // A DATA_DIR without a base backup gets its first one soon after the start, once.
    expect(await queueFirstBaseBackup(runner.boss, dataDir, logger, 0)).toBe(true);
    await until(async () => (await listBaseBackups(dataDir)).length === 1, 'the first base backup');
    expect(await queueFirstBaseBackup(runner.boss, dataDir, logger, 0)).toBe(false);
    const [first] = await listBaseBackups(dataDir);

    // WAL written after it, then the next scheduled run: BACKUP_RETENTION=1 keeps only the new one
    // and removes the archived segments before its start.
    const [{ segment }] = await query<{ segment: string }>(
      service.url,
      'select pg_walfile_name(pg_switch_wal()) as segment',
    );
    await until(async () => {
      const [{ archived }] = await query<{ archived: string }>(
        service.url,
        `select coalesce(last_archived_wal, '') as archived from pg_stat_archiver`,
      );
      return archived >= segment;
    }, 'the archiver');
    const walDirectory = path.join(dataDir, 'backups', 'wal');
    const segmentsBefore = readdirSync(walDirectory).filter((name) => walPosition(name) !== null);
    await runner.boss.send(BASE_BACKUP_JOB, {});
    await until(
      async () => (await listBaseBackups(dataDir)).some((backup) => backup.id !== first.id),
      'the scheduled base backup',
    );
    await until(async () => (await listBaseBackups(dataDir)).length === 1, 'the retention');
    const [kept] = await listBaseBackups(dataDir);
    expect(kept.id).not.toBe(first.id);
    const boundary = walPosition(kept.startWalFile)!;
    await until(
      async () => readdirSync(walDirectory).every((name) => (walPosition(name) ?? boundary) >= boundary),
      'the WAL archive pruned',
    );
    expect(segmentsBefore.some((name) => walPosition(name)! < boundary)).toBe(true);

    // /metrics says when the newest finished.
    const metrics = createMetrics(testApp.orm, logger);
    expect(metrics.registry.getSingleMetric('backup_last_finished_timestamp_seconds')).toBeUndefined();
    metrics.observeBackups(dataDir);
    expect(
      await metrics.registry.getSingleMetricAsString('backup_last_finished_timestamp_seconds'),
    ).toContain(`backup_last_finished_timestamp_seconds ${Date.parse(kept.finishedAt) / 1000}`);

    // At most one base backup waits (policy stately): a second one queued meanwhile is dropped.
    expect(await runner.boss.send(BASE_BACKUP_JOB, {}, { startAfter: 3600 })).not.toBeNull();
    expect(await runner.boss.send(BASE_BACKUP_JOB, {}, { startAfter: 3600 })).toBeNull();

    // stop() ends a running job through its signal instead of waiting it out.
    await runner.boss.send('until-stopped', {});
    await until(
      async () =>
        (
          await query(
            service.url,
            `select 1 from pgboss.job where name = 'until-stopped' and state = 'active'`,
          )
        ).length === 1,
      'the job to run',
    );
    await runner.stop();
    expect(
      await query(service.url, `select state, output from pgboss.job where name = 'until-stopped'`),
    ).toEqual([{ state: 'completed', output: { value: 'stopped' } }]);

    // BACKUP_SCHEDULE=off: a runner's start removes the schedule a former start left. A runner on
    // DATABASE_URL (maybe another process's embedded cluster) leaves it alone.
    expect(embeddedBackups(config, {}, logger)).toEqual({ jobs: [], unschedule: [] });
    runner = await startJobRunner(service.url, testApp.orm, logger, { pollingIntervalSeconds: 0.5 });
    expect((await runner.boss.getSchedules()).map((schedule) => schedule.name)).toContain(BASE_BACKUP_JOB);
    await runner.stop();
    const off = embeddedBackups(
      { ...config, backupSchedule: null },
      { embedded: { url: service.url } },
      logger,
    );
    expect(off).toEqual({ jobs: [], unschedule: [BASE_BACKUP_JOB] });
    runner = await startJobRunner(service.url, testApp.orm, logger, {
      pollingIntervalSeconds: 0.5,
      unschedule: off.unschedule,
    });
    expect((await runner.boss.getSchedules()).map((schedule) => schedule.name)).not.toContain(
      BASE_BACKUP_JOB,
    );

    // What the job left restores.
    const [{ target }] = await query<{ target: string }>(service.url, 'select now()::text as target');
    // Recovery stops at the first commit after the target: there must be one.
    await query(service.url, 'create table after_target as select 1 as n');
    await runner.stop();
    runner = undefined;
    await testApp.close();
    testApp = undefined;
    await service.stop();
    const restored = await cli('restore', dataDir, ['--to', target]);
    expect(restored).toMatchObject({ code: 0 });
    expect(restored.stdout).toContain(`Restoring base backup ${kept.id}`);
    expect(restored.stdout).toMatch(/migrations: \d+ applied .*none pending/);
  } finally {
    await runner?.stop();
    await testApp?.close();
    await service.stop();
  }
}, 300_000);

test('a backup stopped by the service stopping leaves nothing behind', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wellness-scheduled-backup-'));
  directories.push(dataDir);
  const service = await startService(dataDir);
  try {
    const base = path.join(dataDir, 'backups', 'base');
    const drafts = () => (existsSync(base) ? readdirSync(base) : []);
    // Stopped before it began: nothing is asked of PostgreSQL.
    const stopped = new AbortController();
    stopped.abort();
    await expect(takeBaseBackup(dataDir, service.url, stopped.signal)).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(drafts()).toEqual([]);

    // Stopped while copying (once its draft says it began): backup mode ended, the draft removed.
    const stopping = new AbortController();
    const taking = takeBaseBackup(dataDir, service.url, stopping.signal);
    const outcome = taking.then(
      () => 'finished',
      (error: Error) => error.name,
    );
    for (let waited = 0; waited < 30_000; waited += 5) {
      if (drafts().some((name) => existsSync(path.join(base, name, DRAFT_START)))) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    stopping.abort();
    expect(await outcome).toBe('AbortError');
    expect(drafts()).toEqual([]);
    // PostgreSQL left backup mode: the next backup is taken as usual.
    const backup = await takeBaseBackup(dataDir, service.url);
    expect((await listBaseBackups(dataDir)).map((found) => found.id)).toEqual([backup.id]);
  } finally {
    await service.stop();
  }
}, 300_000);
