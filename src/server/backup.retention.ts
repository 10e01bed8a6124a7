import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { backupPaths, pruneWalArchive, walPosition } from './backup.archive';
import { DRAFT_START, listBaseBackups, type BaseBackup, type DraftStart } from './backup.base';
import { isAlive } from './data-dir-owner';
import type { BackupRetention } from './config';

/** Which base backups a retention keeps: the newest always, then by count or by age. */
export function backupsToKeep(
  backups: BaseBackup[],
  retention: BackupRetention,
  now: Date = new Date(),
): BaseBackup[] {
  if (backups.length === 0) return [];
  const newestFirst = [...backups].reverse();
  const kept =
    'backups' in retention
      ? newestFirst.slice(0, retention.backups)
      : newestFirst.filter(
          (backup) => now.getTime() - Date.parse(backup.finishedAt) <= retention.days * 86_400_000,
        );
  if (!kept.includes(newestFirst[0])) kept.unshift(newestFirst[0]);
  return kept.reverse();
}

/**
 * A `.partial` draft without its `started.json` (a crash between the two) older than this was left
 * by a crash: a stopped backup removes its own draft, and none takes a day.
 */
const ABANDONED_DRAFT_MS = 86_400_000;

interface Draft {
  directory: string;
  /** From `started.json` (written right after pg_backup_start): the process taking it, where it starts. */
  started?: DraftStart;
  modifiedMs: number;
}

async function listDrafts(dataDirectory: string): Promise<Draft[]> {
  const { base } = backupPaths(dataDirectory);
  const drafts: Draft[] = [];
  for (const name of await readdir(base).catch(() => [] as string[])) {
    if (!name.endsWith('.partial')) continue;
    const directory = path.join(base, name);
    const modifiedMs = await stat(directory).then(
      (found) => found.mtimeMs,
      () => undefined,
    );
    if (modifiedMs === undefined) continue;
    const started = await readFile(path.join(directory, DRAFT_START), 'utf8').then(
      (text) => JSON.parse(text) as DraftStart,
      () => undefined,
    );
    drafts.push({ directory, started, modifiedMs });
  }
  return drafts;
}

/** A draft whose backup is no longer being taken: its process is gone (or, unknown, it is a day old). */
function abandoned(draft: Draft, now: Date): boolean {
  return draft.started ? !isAlive(draft.started.pid) : now.getTime() - draft.modifiedMs >= ABANDONED_DRAFT_MS;
}

/**
 * After a successful backup: removes the base backups the retention does not keep, the archived WAL
 * that neither the oldest one kept nor a backup still being taken (`npm run backup` beside the
 * scheduled one) needs, and drafts abandoned by a crash.
 */
export async function applyRetention(
  dataDirectory: string,
  retention: BackupRetention,
  now: Date = new Date(),
): Promise<{ removedBackups: string[]; removedWalFiles: number; removedDrafts: number }> {
  const backups = await listBaseBackups(dataDirectory);
  const kept = backupsToKeep(backups, retention, now);
  const removed = backups.filter((backup) => !kept.includes(backup));
  for (const backup of removed)
    await rm(path.dirname(backup.dataDirectory), { recursive: true, force: true });
  const drafts = await listDrafts(dataDirectory);
  let removedDrafts = 0;
  for (const draft of drafts.filter((found) => abandoned(found, now))) {
    await rm(draft.directory, { recursive: true, force: true });
    removedDrafts++;
  }
  const needed = [
    ...kept.map((backup) => backup.startWalFile),
    ...drafts
      .filter((draft) => !abandoned(draft, now) && draft.started)
      .map((draft) => draft.started!.startWalFile),
  ].sort((a, b) => (walPosition(a) ?? '').localeCompare(walPosition(b) ?? ''));
  const removedWalFiles = kept.length ? await pruneWalArchive(dataDirectory, needed[0]) : 0;
  return { removedBackups: removed.map((backup) => backup.id), removedWalFiles, removedDrafts };
}
