import { chown, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { postgresSystemUser } from './embedded-postgres';

/**
 * Where the embedded cluster's backups live: `<DATA_DIR>/backups/wal` (the WAL archive, written by
 * PostgreSQL's own `basic_archive` module) and `<DATA_DIR>/backups/base/<id>` (base backups).
 */
export function backupPaths(dataDirectory: string): { root: string; wal: string; base: string } {
  const root = path.join(path.resolve(dataDirectory), 'backups');
  return { root, wal: path.join(root, 'wal'), base: path.join(root, 'base') };
}

/**
 * Makes the WAL archive directory and answers the settings that archive every finished segment into
 * it. `archive_mode` is read only at server start: a cluster started before these settings existed
 * archives from its next start on.
 */
export async function prepareWalArchive(dataDirectory: string, runsAsRoot: boolean): Promise<string[]> {
  const { root, wal } = backupPaths(dataDirectory);
  await mkdir(wal, { recursive: true, mode: 0o700 });
  if (runsAsRoot) {
    // PostgreSQL runs as the `postgres` system user: the archiver writes there, restore_command reads.
    const { uid, gid } = postgresSystemUser();
    if (uid !== undefined && gid !== undefined) {
      await chown(root, uid, gid);
      await chown(wal, uid, gid);
    }
  }
  return ['archive_mode=on', 'archive_library=basic_archive', `basic_archive.archive_directory=${wal}`];
}

/**
 * A WAL file's position without its timeline (log and segment, 16 hex digits): segments
 * (`000000010000000000000003`), partial segments and backup history files
 * (`000000010000000000000003.00000028.backup`). Timeline history files (`00000002.history`) have none.
 */
export function walPosition(fileName: string): string | null {
  const match = /^[0-9A-F]{8}([0-9A-F]{16})(\.partial|\.[0-9A-F]{8}\.backup)?$/.exec(fileName);
  return match ? match[1] : null;
}

/**
 * Removes archived WAL before `firstNeeded` (a segment name: the start of the oldest base backup
 * kept); no backup can replay it. Timeline history files are kept (tiny, and recovery reads them).
 */
export async function pruneWalArchive(dataDirectory: string, firstNeeded: string): Promise<number> {
  const { wal } = backupPaths(dataDirectory);
  const boundary = walPosition(firstNeeded);
  if (!boundary) throw new Error(`${firstNeeded} is not a WAL segment name`);
  let removed = 0;
  for (const name of await readdir(wal).catch(() => [] as string[])) {
    const position = walPosition(name);
    if (position !== null && position < boundary) {
      await rm(path.join(wal, name), { force: true });
      removed++;
    }
  }
  return removed;
}
