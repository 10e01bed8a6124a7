/**
 * npm run backup: a base backup of the embedded PostgreSQL now (the service may be running: its
 * cluster is used), then the retention (BACKUP_RETENTION) applied. The service takes the same backup
 * on BACKUP_SCHEDULE (server/backup.schedule.ts). With DATABASE_URL it refuses:
 * that server is backed up by its own tools (README, "Backups").
 */
import { loadConfig } from '../server/config';
import { backupPaths } from '../server/backup.archive';
import { backUp } from '../server/backup.schedule';
import { startEmbeddedPostgres } from '../server/embedded-postgres';

async function main() {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.error(
      'npm run backup handles the embedded PostgreSQL only; DATABASE_URL is set: back that server up with ' +
        'pg_dump or pgBackRest (README, "Backups").',
    );
    process.exit(2);
  }
  const postgres = await startEmbeddedPostgres(config.dataDir, () => undefined, {
    attach: true,
    warn: (message) => console.error(message),
  });
  try {
    const retention = config.backupRetention ?? { backups: 7 };
    const { backup, removedBackups, removedWalFiles, removedDrafts } = await backUp(
      config.dataDir,
      postgres.url,
      retention,
    );
    console.log(
      `Base backup ${backup.id} (${(backup.bytes / 1e6).toFixed(1)} MB) in ${backup.dataDirectory}`,
    );
    console.log(
      `  restorable to any time after ${backup.finishedAt}; WAL archive: ${backupPaths(config.dataDir).wal}`,
    );
    if (removedBackups.length || removedWalFiles)
      console.log(
        `  retention ${'backups' in retention ? `${retention.backups} backups` : `${retention.days} days`}: ` +
          `removed ${removedBackups.length} base backup(s) and ${removedWalFiles} WAL file(s) no longer needed`,
      );
    if (removedDrafts) console.log(`  removed ${removedDrafts} unfinished backup(s) left by a crash`);
  } finally {
    await postgres.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : `npm run backup failed: ${String(error)}`);
  process.exit(1);
});
