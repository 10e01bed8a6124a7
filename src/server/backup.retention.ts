import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { backupPaths, pruneWalArchive } from './backup.archive';
import { listBaseBackups, type BaseBackup } from './backup.base';
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
 * A `.partial` draft older than this was left by a crash (kill -9, power loss) in the middle of a
 * backup: a stopped backup removes its own, and none takes a day.
 */
const ABANDONED_DRAFT_MS = 86_400_000;

/**
 * After a successful backup: removes the base backups the retention does not keep, the archived WAL
 * older than the oldest one kept (nothing left can replay it), and drafts abandoned by a crash.
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
  const removedWalFiles = kept.length ? await pruneWalArchive(dataDirectory, kept[0].startWalFile) : 0;
  return {
    removedBackups: removed.map((backup) => backup.id),
    removedWalFiles,
    removedDrafts: await removeAbandonedDrafts(dataDirectory, now),
  };
}

async function removeAbandonedDrafts(dataDirectory: string, now: Date): Promise<number> {
  const { base } = backupPaths(dataDirectory);
  let removed = 0;
  for (const name of await readdir(base).catch(() => [] as string[])) {
    if (!name.endsWith('.partial')) continue;
    const draft = path.join(base, name);
    const modified = await stat(draft).then(
      (found) => found.mtimeMs,
      () => now.getTime(),
    );
    if (now.getTime() - modified < ABANDONED_DRAFT_MS) continue;
    await rm(draft, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
