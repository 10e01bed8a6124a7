import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { backupPaths } from './backup.archive';

/** What `backup.json` of a base backup holds; a directory without it is an unfinished backup. */
export interface BaseBackup {
  id: string;
  /** The copy of the cluster directory, backup_label included. */
  dataDirectory: string;
  startedAt: string;
  /** Taken after pg_backup_stop: a recovery target must be later than this. */
  finishedAt: string;
  /** The WAL segment the backup starts in: replaying needs it and every later one. */
  startWalFile: string;
  startLsn: string;
  stopLsn: string;
  bytes: number;
}

const MANIFEST = 'backup.json';

/** In a `.partial` draft, from pg_backup_start on: which process takes it and the WAL it needs. */
export const DRAFT_START = 'started.json';
export interface DraftStart {
  pid: number;
  startWalFile: string;
  startedAt: string;
}

/**
 * Files of a running cluster that a base backup leaves out (PostgreSQL's "Making a Base Backup Using
 * the Low Level API"): WAL comes from the archive, the rest is rebuilt or meaningless at start.
 */
const SKIPPED_FILES = new Set([
  'postmaster.pid',
  'postmaster.opts',
  'postgres.log',
  'backup_label',
  'tablespace_map',
  'recovery.signal',
  'standby.signal',
  'pg_internal.init',
]);
/** Directories copied empty. */
const EMPTIED_DIRECTORIES = new Set([
  'pg_wal',
  'pg_dynshmem',
  'pg_notify',
  'pg_replslot',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);

/**
 * A base backup of the running cluster with the low-level backup API: pg_backup_start, a copy of the
 * cluster directory while it keeps running (torn pages are repaired from the full-page images the
 * backup mode forces into WAL), pg_backup_stop, whose backup_label goes into the copy. The WAL from
 * start to stop is archived before pg_backup_stop returns, so the backup restores from the archive.
 * `signal` stops the copy between two files (the scheduled job when the service stops): nothing is
 * left of that backup, not even its `.partial` draft.
 */
export async function takeBaseBackup(
  dataDirectory: string,
  maintenanceUrl: string,
  signal?: AbortSignal,
): Promise<BaseBackup> {
  signal?.throwIfAborted();
  const { base } = backupPaths(dataDirectory);
  const clusterDirectory = path.join(path.resolve(dataDirectory), 'postgres');
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  // pg_backup_stop must run on the session that started the backup: one client, start to stop.
  try {
    const { rows: settings } = await client.query<{ mode: string; library: string }>(
      `select current_setting('archive_mode') as mode, current_setting('archive_library') as library`,
    );
    if (settings[0].mode === 'off' || settings[0].library !== 'basic_archive')
      throw new Error(
        'WAL archiving is off in the running PostgreSQL: it was started before archiving was configured ' +
          '(archive_mode takes effect at a start). Restart the service (npm start), then run npm run backup again.',
      );
    const startedAt = new Date();
    const id = startedAt.toISOString().replace(/[-:.]/g, '');
    const target = path.join(base, id);
    const draft = path.join(base, `${id}.${randomBytes(3).toString('hex')}.partial`);
    const { rows: started } = await client.query<{ lsn: string; file: string }>(
      `select lsn::text, pg_walfile_name(lsn) as file from pg_backup_start($1, fast => true) as lsn`,
      [`npm run backup ${id}`],
    );
    let bytes: number;
    let stopped: { lsn: string; labelfile: string; spcmapfile: string | null };
    try {
      await mkdir(draft, { recursive: true, mode: 0o700 });
      // The retention of a backup finishing meanwhile keeps this one's WAL and draft (backup.retention.ts).
      const start: DraftStart = {
        pid: process.pid,
        startWalFile: started[0].file,
        startedAt: startedAt.toISOString(),
      };
      await writeFile(path.join(draft, DRAFT_START), JSON.stringify(start));
      bytes = await copyDirectory(clusterDirectory, path.join(draft, 'data'), 'cluster', signal);
    } catch (error) {
      // Failed or stopped (the service shutting down): PostgreSQL leaves backup mode, the draft goes.
      await client.query('select pg_backup_stop(wait_for_archive => false)').catch(() => undefined);
      await rm(draft, { recursive: true, force: true });
      throw error;
    }
    try {
      ({
        rows: [stopped],
      } = await client.query<{ lsn: string; labelfile: string; spcmapfile: string | null }>(
        `select lsn::text, labelfile, spcmapfile from pg_backup_stop(wait_for_archive => true)`,
      ));
      await writeFile(path.join(draft, 'data', 'backup_label'), stopped.labelfile, { mode: 0o600 });
      if (stopped.spcmapfile)
        await writeFile(path.join(draft, 'data', 'tablespace_map'), stopped.spcmapfile, { mode: 0o600 });
    } catch (error) {
      await rm(draft, { recursive: true, force: true });
      throw error;
    }
    const backup: BaseBackup = {
      id,
      dataDirectory: path.join(target, 'data'),
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      startWalFile: started[0].file,
      startLsn: started[0].lsn,
      stopLsn: stopped.lsn,
      bytes,
    };
    // The manifest is written last and the directory renamed in: a crash leaves only a `.partial`.
    await writeFile(
      path.join(draft, MANIFEST),
      `${JSON.stringify({ ...backup, dataDirectory: 'data' }, null, 2)}\n`,
    );
    await rename(draft, target);
    return backup;
  } finally {
    await client.end();
  }
}

/** A base backup's copy, whole (restore puts it in place of the cluster directory). */
export async function copyTree(source: string, target: string): Promise<number> {
  return copyDirectory(source, target, 'whole');
}

/**
 * Copies a directory tree and answers the bytes copied. `cluster`: the top of a running cluster's
 * directory, with the exclusions above; `inCluster` below it; `whole`: everything.
 */
async function copyDirectory(
  source: string,
  target: string,
  mode: 'cluster' | 'inCluster' | 'whole',
  signal?: AbortSignal,
): Promise<number> {
  await mkdir(target, { recursive: true, mode: 0o700 });
  let entries: Dirent[];
  try {
    entries = await readdir(source, { withFileTypes: true });
  } catch (error) {
    // Dropped while we copy (a database's temporary directory): PostgreSQL does not need it back.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let bytes = 0;
  for (const entry of entries) {
    signal?.throwIfAborted();
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    const skipped =
      SKIPPED_FILES.has(entry.name) ||
      entry.name.startsWith('pgsql_tmp') ||
      entry.name.startsWith('.s.PGSQL.');
    if (mode !== 'whole' && skipped) continue;
    if (entry.isSymbolicLink())
      throw new Error(`${from} is a symbolic link (a tablespace?): npm run backup copies one directory only`);
    if (entry.isDirectory()) {
      if (mode === 'cluster' && EMPTIED_DIRECTORIES.has(entry.name)) {
        await mkdir(to, { mode: 0o700 });
        if (entry.name === 'pg_wal') await mkdir(path.join(to, 'archive_status'), { mode: 0o700 });
      } else {
        bytes += await copyDirectory(from, to, mode === 'whole' ? 'whole' : 'inCluster', signal);
      }
    } else if (entry.isFile()) {
      try {
        await copyFile(from, to);
        bytes += (await stat(to)).size;
      } catch (error) {
        // A file PostgreSQL removed meanwhile (a dropped relation): replay of WAL accounts for it.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
  return bytes;
}

/** Finished base backups, oldest first. */
export async function listBaseBackups(dataDirectory: string): Promise<BaseBackup[]> {
  const { base } = backupPaths(dataDirectory);
  const names = await readdir(base).catch(() => [] as string[]);
  const backups: BaseBackup[] = [];
  for (const name of names.sort()) {
    if (name.endsWith('.partial')) continue;
    try {
      const manifest = JSON.parse(await readFile(path.join(base, name, MANIFEST), 'utf8')) as BaseBackup;
      backups.push({ ...manifest, dataDirectory: path.join(base, name, 'data') });
    } catch {
      // No manifest: not a finished backup.
    }
  }
  return backups.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
}
