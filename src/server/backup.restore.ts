import { appendFile, chown, copyFile, lstat, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { backupPaths, walPosition } from './backup.archive';
import { copyTree, listBaseBackups, type BaseBackup } from './backup.base';
import { liveOwner } from './data-dir-owner';
import { postgresSystemUser, runningPostmaster } from './embedded-postgres';

/** The recovery target as PostgreSQL gets it (the text as given, microseconds kept) and as a Date. */
export interface RecoveryTarget {
  text: string;
  at: Date;
}

/** `--latest`: the newest base backup and every change the WAL holds (after a lost disk, say). */
export const LATEST = 'latest';
export type RestoreTarget = RecoveryTarget | typeof LATEST;

const TARGET_SETTING = 'recovery_target_time';

/**
 * An ISO 8601 time with its offset (`2026-12-01T18:30:00+08:00`, `…Z`): without one, PostgreSQL
 * would read it in the cluster's time zone and this process in its own.
 */
export function parseRecoveryTarget(text: string | undefined): RecoveryTarget {
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}(?::?\d{2})?)$/i;
  const match = iso.exec(text?.trim() ?? '');
  // JavaScript reads only ±hh:mm offsets; PostgreSQL also ±hh and ±hhmm (as `select now()::text` prints).
  const offset = (zone: string) =>
    /^z$/i.test(zone) ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3).replace(':', '') || '00'}`;
  const at = match ? new Date(`${match[1]}T${match[2]}${offset(match[3])}`) : new Date(NaN);
  if (!match || Number.isNaN(at.getTime()))
    throw new RestoreRefusedError(
      `--to needs an ISO time with its offset, e.g. --to 2026-12-01T18:30:00+08:00 (got ${text ?? 'nothing'})`,
    );
  // For PostgreSQL, a numeric offset: it reads recovery_target_time before its time zone
  // abbreviations are loaded, so `Z` is an invalid value there and the start fails.
  const zone = offset(match[3]);
  return { text: `${match[1]} ${match[2]}${zone === 'Z' ? '+00:00' : zone}`, at };
}

/** A refusal the operator can act on (reported without a stack, exit code 2). */
export class RestoreRefusedError extends Error {}

/** The newest finished base backup that ended before the target: recovery starts there. */
export function chooseBaseBackup(backups: BaseBackup[], target: Date): BaseBackup | undefined {
  return backups.filter((backup) => Date.parse(backup.finishedAt) < target.getTime()).at(-1);
}

/** Refuses while PostgreSQL of the DATA_DIR runs: restoring under a live cluster would corrupt both. */
export async function ensureClusterStopped(dataDirectory: string): Promise<void> {
  const absolute = path.resolve(dataDirectory);
  const owner = await liveOwner(absolute);
  if (owner)
    throw new RestoreRefusedError(
      `The service (pid ${owner.pid}) is running on ${absolute}: stop it first (Ctrl-C, or kill -TERM ${owner.pid}; ` +
        'it drains and stops its PostgreSQL), then run npm run restore again.',
    );
  const running = await runningPostmaster(path.join(absolute, 'postgres'));
  if (running)
    throw new RestoreRefusedError(
      `PostgreSQL (pid ${running.pid}) still runs on ${absolute}/postgres without its service: stop it ` +
        `(kill -INT ${running.pid}, a fast shutdown), then run npm run restore again.`,
    );
}

/**
 * Puts the base backup in place of the cluster directory, ready for point-in-time recovery when it
 * starts: the current cluster directory is moved aside (never deleted), its WAL not yet archived is
 * copied in (recovery reads pg_wal after the archive, so the newest commits are reachable), and the
 * recovery settings go to postgresql.auto.conf with recovery.signal, so an interrupted recovery
 * resumes at the next start instead of starting the half-restored cluster as if it were whole.
 */
export async function prepareRestore(
  dataDirectory: string,
  target: RestoreTarget,
): Promise<{ backup: BaseBackup; keptAside?: string; clusterDirectory: string }> {
  const absolute = path.resolve(dataDirectory);
  await ensureClusterStopped(absolute);
  const backups = await listBaseBackups(absolute);
  const backup = target === LATEST ? backups.at(-1) : chooseBaseBackup(backups, target.at);
  if (!backup)
    throw new RestoreRefusedError(
      backups.length && target !== LATEST
        ? `No base backup finished before ${target.text}: the oldest finished at ${backups[0].finishedAt}.`
        : `No base backup in ${backupPaths(absolute).base}: run npm run backup first.`,
    );
  const { wal } = backupPaths(absolute);
  if (/["$`\\]/.test(wal))
    throw new RestoreRefusedError(`restore_command cannot name ${wal}: move DATA_DIR to a plainer path`);
  const clusterDirectory = path.join(absolute, 'postgres');
  let keptAside: string | undefined;
  if (existsSync(clusterDirectory)) {
    keptAside = `${clusterDirectory}.before-restore-${new Date().toISOString().replace(/[-:.]/g, '')}`;
    await rename(clusterDirectory, keptAside);
  }
  await copyTree(backup.dataDirectory, clusterDirectory);
  if (keptAside)
    await copyUnarchivedWal(path.join(keptAside, 'pg_wal'), path.join(clusterDirectory, 'pg_wal'), wal);
  const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
  await appendFile(
    path.join(clusterDirectory, 'postgresql.auto.conf'),
    [
      '',
      `# npm run restore -- ${target === LATEST ? '--latest' : `--to ${target.text}`} (removed once recovery has ended)`,
      `restore_command = ${quote(`cp "${wal}/%f" "%p"`)}`,
      ...(target === LATEST ? [] : [`${TARGET_SETTING} = ${quote(target.text)}`]),
      `recovery_target_action = 'promote'`,
      '',
    ].join('\n'),
  );
  await writeFile(path.join(clusterDirectory, 'recovery.signal'), '', { mode: 0o600 });
  await ownByPostgres(clusterDirectory);
  return { backup, keptAside, clusterDirectory };
}

/**
 * Whether PostgreSQL stopped because the WAL (the archive, then the old cluster's pg_wal) ended
 * before the target: no commit it holds is later than the target, so replaying all of it is the
 * state at the target, unless a segment is missing (the caller then says how old the last change is).
 */
export async function walEndedBeforeTarget(clusterDirectory: string): Promise<boolean> {
  const log = await readFile(path.join(clusterDirectory, 'postgres.log'), 'utf8').catch(() => '');
  return log.includes('recovery ended before configured recovery target was reached');
}

/**
 * Takes the target out of the recovery settings: the next start replays to the end of the WAL. The
 * cluster is still in recovery (PostgreSQL promotes only at a target reached), so this is allowed.
 */
export async function recoverToEndOfWal(clusterDirectory: string): Promise<void> {
  const file = path.join(clusterDirectory, 'postgresql.auto.conf');
  const lines = (await readFile(file, 'utf8')).split('\n');
  await writeFile(file, lines.filter((line) => !line.startsWith(`${TARGET_SETTING} =`)).join('\n'));
}

/** Segments and timeline histories of the old cluster that the archive lacks. */
async function copyUnarchivedWal(oldWal: string, newWal: string, archive: string): Promise<void> {
  const archived = new Set(await readdir(archive).catch(() => [] as string[]));
  for (const name of await readdir(oldWal).catch(() => [] as string[])) {
    const isWal = walPosition(name) !== null || /^[0-9A-F]{8}\.history$/.test(name);
    if (!isWal || archived.has(name) || !(await lstat(path.join(oldWal, name))).isFile()) continue;
    await copyFile(path.join(oldWal, name), path.join(newWal, name));
  }
}

/** PostgreSQL runs as the `postgres` system user when we are root; its files must be its own. */
async function ownByPostgres(directory: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = postgresSystemUser();
  if (uid === undefined || gid === undefined) return;
  const walk = async (entry: string): Promise<void> => {
    await chown(entry, uid, gid);
    if ((await lstat(entry)).isDirectory())
      for (const name of await readdir(entry)) await walk(path.join(entry, name));
  };
  await walk(directory);
}

/**
 * Waits until the started cluster has replayed to the target and promoted itself, then removes the
 * recovery settings. A recovery that fails (a target before the backup's end, missing WAL) stops
 * PostgreSQL: the error names its log.
 */
export async function awaitRecoveryEnd(
  maintenanceUrl: string,
  clusterDirectory: string,
  timeoutMs = 30 * 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Client({ connectionString: maintenanceUrl });
    try {
      await client.connect();
      const { rows } = await client.query<{ recovering: boolean }>(
        'select pg_is_in_recovery() as recovering',
      );
      if (!rows[0].recovering) {
        for (const setting of ['restore_command', 'recovery_target_time', 'recovery_target_action'])
          await client.query(`alter system reset ${setting}`);
        await client.query('select pg_reload_conf()');
        return;
      }
    } catch (error) {
      if (!(await runningPostmaster(clusterDirectory)))
        throw new Error(
          `PostgreSQL stopped during recovery (${(error as Error).message}): see ${path.join(clusterDirectory, 'postgres.log')}`,
        );
    } finally {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`recovery has not ended after ${timeoutMs / 60_000} min`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
