/**
 * npm run restore -- --to <ISO time>: point-in-time recovery of the embedded PostgreSQL from the newest
 * base backup before that time and the WAL archive. npm run restore -- --latest: the newest base
 * backup and every change the WAL holds. npm run restore -- --list: the backups. It stops nothing:
 * it refuses while the service runs. The cluster directory it replaces is kept aside.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { loadConfig } from '../server/config';
import { backupPaths } from '../server/backup.archive';
import { listBaseBackups } from '../server/backup.base';
import {
  awaitRecoveryEnd,
  LATEST,
  parseRecoveryTarget,
  prepareRestore,
  recoverToEndOfWal,
  RestoreRefusedError,
  walEndedBeforeTarget,
  type RestoreTarget,
} from '../server/backup.restore';
import { checkRestoredDatabase } from '../server/backup.verify';
import { ensureDatabase } from '../server/database';
import { startEmbeddedPostgres, type RunningPostgres } from '../server/embedded-postgres';

async function list(dataDirectory: string) {
  const backups = await listBaseBackups(dataDirectory);
  if (backups.length === 0) {
    console.log(`No base backup in ${backupPaths(dataDirectory).base}: run npm run backup.`);
    return;
  }
  console.log('base backup            finished (restorable after)   size      start WAL');
  for (const backup of backups)
    console.log(
      `${backup.id.padEnd(22)} ${backup.finishedAt.padEnd(29)} ${`${(backup.bytes / 1e6).toFixed(1)} MB`.padEnd(9)} ${backup.startWalFile}`,
    );
  console.log(`WAL archive: ${backupPaths(dataDirectory).wal}`);
}

/** When the last transaction the recovery replayed was committed (ISO, UTC); null: none after the backup. */
async function lastReplayedChange(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ last: string | null }>(
      `select to_char(pg_last_xact_replay_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last`,
    );
    return rows[0].last;
  } finally {
    await client.end();
  }
}

/** Starts the restored cluster and waits for its recovery to end; the caller stops it. */
async function recover(dataDirectory: string, clusterDirectory: string): Promise<RunningPostgres> {
  const postgres = await startEmbeddedPostgres(dataDirectory, () => undefined, {
    warn: (message) => console.error(message),
  });
  try {
    await awaitRecoveryEnd(postgres.url, clusterDirectory);
    return postgres;
  } catch (error) {
    await postgres.stop().catch(() => undefined);
    throw error;
  }
}

async function restore(dataDirectory: string, target: RestoreTarget) {
  const { backup, keptAside, clusterDirectory } = await prepareRestore(dataDirectory, target);
  console.log(
    `Restoring base backup ${backup.id} (finished ${backup.finishedAt}) to ` +
      (target === LATEST ? 'the last change the WAL holds' : target.at.toISOString()),
  );
  if (keptAside) console.log(`  the cluster directory before the restore is kept at ${keptAside}`);
  let walEndedEarly = false;
  const postgres = await recover(dataDirectory, clusterDirectory)
    .catch(async (error: Error) => {
      // A target after the last commit the WAL holds (a quiet evening, a lost disk): PostgreSQL
      // refuses to promote; replaying all of it is the state at the target.
      if (target === LATEST || !(await walEndedBeforeTarget(clusterDirectory))) throw error;
      walEndedEarly = true;
      await recoverToEndOfWal(clusterDirectory);
      return recover(dataDirectory, clusterDirectory);
    })
    .catch((error: Error) => {
      throw new Error(`${error.message}\n${undoHint(clusterDirectory, keptAside)}`);
    });
  try {
    const last = await lastReplayedChange(postgres.url);
    if (walEndedEarly)
      console.log(
        `  nothing in the WAL was committed after ${last ?? backup.finishedAt}: restored to its end, the state at ` +
          `${target === LATEST ? 'the end' : target.text} (if you expected later changes, a WAL file is missing ` +
          `from ${backupPaths(dataDirectory).wal})`,
      );
    console.log(
      `  recovery ended ${target === LATEST || walEndedEarly ? `at the last change (${last ?? 'none after the backup'})` : 'at the target'}; ` +
        'the cluster is promoted (a new timeline)',
    );
    const report = await checkRestoredDatabase(await ensureDatabase(postgres.url, 'wellness'));
    const { migrations } = report;
    console.log(
      `  migrations: ${migrations.applied} applied (last ${migrations.last ?? 'none'}); ` +
        (migrations.pending.length
          ? `${migrations.pending.length} pending (${pendingNames(migrations.pending)}): npm start applies them`
          : 'none pending'),
    );
    for (const organization of report.ledger)
      console.log(
        `  ledgerCheck ${organization.name} (${organization.organizationId}): ${organization.accountsChecked} accounts, ` +
          (organization.mismatches.length
            ? `MISMATCHES in ${organization.mismatches.join(', ')}`
            : 'no mismatch'),
      );
    const clean = report.ledger.every((organization) => organization.mismatches.length === 0);
    console.log(
      clean
        ? 'Restore done: start the service (npm start).'
        : 'Restore done, but the ledger check found mismatches.',
    );
    if (!clean) process.exitCode = 3;
  } finally {
    await postgres.stop();
  }
}

function pendingNames(names: string[]): string {
  return names.length > 3 ? `${names[0]} … ${names.at(-1)}` : names.join(', ');
}

/** How to go back to the cluster as it was before the restore. */
function undoHint(clusterDirectory: string, keptAside: string | undefined): string {
  return keptAside
    ? `To go back: move ${clusterDirectory} away, then mv ${keptAside} ${clusterDirectory}`
    : `The restored directory is ${clusterDirectory}.`;
}

async function main() {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.error(
      'npm run restore handles the embedded PostgreSQL only; DATABASE_URL is set: restore that server with ' +
        'its own tools (pg_restore, pgBackRest), then check migrations and ledgerCheck (README, "Backups").',
    );
    process.exit(2);
  }
  const argument = (name: string) => {
    const index = process.argv.indexOf(name);
    return index > 0 ? process.argv[index + 1] : undefined;
  };
  if (process.argv.includes('--list')) await list(config.dataDir);
  else if (process.argv.includes('--latest')) await restore(config.dataDir, LATEST);
  else await restore(config.dataDir, parseRecoveryTarget(argument('--to')));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : `npm run restore failed: ${String(error)}`);
  process.exit(error instanceof RestoreRefusedError ? 2 : 1);
});
