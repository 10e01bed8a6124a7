import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { Organization, Store, User } from '../src/entities';
import { StaffRole } from '../src/entities/staff/staff.enums';
import { Client } from 'pg';
import { createOrmConfig } from '../src/mikro-orm.config';
import { ensureDatabase } from '../src/server/database';
import { startEmbeddedPostgres } from '../src/server/embedded-postgres';

export type Log = (message: string) => void;

/** Steps undone in reverse order, once, also on SIGINT / SIGTERM (then the process exits 130). */
export interface Cleanups {
  push(step: () => Promise<unknown>): void;
  run(): Promise<void>;
}

export function cleanupsOnExit(log: Log): Cleanups {
  const steps: (() => Promise<unknown>)[] = [];
  let running: Promise<void> | undefined;
  const run = () =>
    (running ??= (async () => {
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (error) {
          log(`cleanup: ${(error as Error).message}`);
        }
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void run().finally(() => process.exit(130));
    });
  }
  return { push: (step) => void steps.push(step), run };
}

/**
 * A fresh, migrated database for one benchmark run: on BENCH_DATABASE_URL (dropped at the end) or in
 * a throw-away embedded PostgreSQL (removed at the end). The ORM connects as the tables' owner.
 */
export async function benchDatabase(
  prefix: string,
  cleanups: Cleanups,
  log: Log,
): Promise<{ url: string; orm: MikroORM }> {
  let serverUrl = process.env.BENCH_DATABASE_URL;
  const databaseName = `${prefix}_${randomBytes(4).toString('hex')}`;
  if (serverUrl) {
    const maintenance = serverUrl;
    cleanups.push(async () => {
      const client = new Client({ connectionString: maintenance });
      await client.connect();
      await client.query(`drop database if exists "${databaseName}" with (force)`);
      await client.end();
    });
  } else {
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), `${prefix.replace(/_/g, '-')}-`));
    cleanups.push(() => rm(dataDirectory, { recursive: true, force: true }));
    log(`starting embedded PostgreSQL in ${dataDirectory}`);
    // Throw-away: no WAL archive (src/server/backup.archive.ts), which would copy every segment the load writes.
    const embedded = await startEmbeddedPostgres(dataDirectory, undefined, { removeOnStop: true });
    cleanups.push(() => embedded.stop());
    serverUrl = embedded.url;
  }
  const url = await ensureDatabase(serverUrl, databaseName);
  const orm = await MikroORM.init(createOrmConfig(url, { pool: { min: 0, max: 10 } }));
  cleanups.push(() => orm.close(true));
  await orm.migrator.up();
  return { url, orm };
}

/** Explicit exit codes: embedded-postgres' exit hook calls process.exit(0) on beforeExit, which turned
 * a failed run (process.exitCode = 1) into a success. */
export function runBenchmark(main: () => Promise<void>, log: Log): void {
  main().then(
    () => process.exit(0),
    (error) => {
      log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}

/** An organization with one store and a manager of it (not flushed): the caller measures it. */
export function benchOrganization(em: EntityManager, name: string, store: { name: string; code: string }) {
  const organization = em.create(Organization, { name });
  const storeRow = em.create(Store, { organization, ...store });
  const manager = em.create(User, {
    organization,
    role: StaffRole.MANAGER,
    email: `manager-${randomBytes(4).toString('hex')}@bench.cn`,
    displayName: '陈店长',
    passwordHash: 'not-a-login',
  });
  manager.stores.add(storeRow);
  return { organization, store: storeRow, manager };
}
