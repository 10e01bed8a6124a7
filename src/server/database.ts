import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { createOrmConfig } from '../mikro-orm.config';
import { ensureRequestLogin, REQUEST_LOGIN } from './request-login';
import { DirectoryCache } from '../services/read/directory-cache';
import { enforceTenancy, markFresh, type TenancyRoles } from '../services/tenancy';
import type { AppConfig } from './config';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';

export interface Database {
  orm: MikroORM;
  /** Connection URL of the database's owner (migrations, the job runner). */
  url: string;
  embedded?: RunningPostgres;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'wellness';

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL under DATA_DIR (with `attach`, the one a
 * running service already started). Migrations always run.
 */
export async function openDatabase(
  config: AppConfig,
  logger: Logger,
  options: { attach?: boolean } = {},
): Promise<Database> {
  let url = config.databaseUrl;
  let embedded: RunningPostgres | undefined;
  if (!url) {
    logger.info({ dataDir: config.dataDir }, 'DATABASE_URL not set: starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres(config.dataDir, (message) => logger.debug({ postgres: message }), {
      ...options,
      warn: (message) => logger.warn({ postgres: message }),
    });
    url = await ensureDatabase(embedded.url, EMBEDDED_DATABASE);
  }
  // The service: a statement outside a request or job scope sees no tenant row.
  const { orm, applied, runtimeRole } = await migrateAndOpen(
    url,
    10,
    (message) => logger.debug({ orm: message }),
    { unscoped: 'nothing' },
  );
  logger.info({ applied, runtimeRole }, 'migrations up to date');
  if (!runtimeRole)
    logger.warn(
      `role ${RUNTIME_ROLE} is missing: requests run as the table owner (append-only rows are guarded by triggers only)`,
    );
  return {
    orm,
    url,
    embedded,
    async close() {
      await DirectoryCache.close(orm);
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

/** The role requests run as (see Migration20261122213000_runtime_role): no UPDATE/DELETE on append-only tables. */
export const RUNTIME_ROLE = 'wellness_runtime';
/** The role jobs run as: the runtime role's grants, every organization's rows (Migration20261203200000). */
export const JOBS_ROLE = 'wellness_jobs';

/**
 * Migrates as the connecting user (the tables' owner), then opens the ORM that requests use: every
 * pooled connection does `SET ROLE wellness_runtime`, so a request can insert ledger rows but never
 * update, delete or un-trigger them. Falls back to the owner where the role could not be created.
 * Every connection handed out carries the running tenancy scope (services/tenancy.ts); `unscoped`
 * says what a statement outside any scope runs as: the service passes 'nothing' (no tenant row);
 * the default, 'maintenance', is for test harnesses and benchmarks that stage and inspect data.
 */
export async function migrateAndOpen(
  url: string,
  poolSize: number,
  logger?: (message: string) => void,
  options: { unscoped?: 'nothing' | 'maintenance' } = {},
): Promise<{ orm: MikroORM; applied: string[]; runtimeRole: boolean }> {
  const owner = await MikroORM.init(createOrmConfig(url, logger ? { logger } : {}));
  let applied: string[];
  let runtimeRole: boolean;
  let jobsRole: boolean;
  // The login of the pool (server/request-login.ts): the owner's only where it cannot be made.
  let poolUrl: string | undefined;
  try {
    applied = (await owner.migrator.up()).map((migration) => migration.name);
    const [row] = await owner.em
      .getConnection()
      .execute<{ member: boolean }[]>(
        `select exists (select 1 from pg_roles where rolname = ?) and pg_has_role(current_user, ?, 'member') as member`,
        [RUNTIME_ROLE, RUNTIME_ROLE],
      );
    runtimeRole = row.member;
    const [jobs] = await owner.em
      .getConnection()
      .execute<{ member: boolean }[]>(
        `select exists (select 1 from pg_roles where rolname = ?) and pg_has_role(current_user, ?, 'member') as member`,
        [JOBS_ROLE, JOBS_ROLE],
      );
    jobsRole = jobs.member;
    if (runtimeRole)
      poolUrl = await ensureRequestLogin(
        owner.em,
        url,
        jobsRole ? [RUNTIME_ROLE, JOBS_ROLE] : [RUNTIME_ROLE],
      );
  } finally {
    await owner.close(true);
  }
  const roles: TenancyRoles = {
    runtime: runtimeRole ? RUNTIME_ROLE : undefined,
    jobs: runtimeRole && jobsRole ? JOBS_ROLE : undefined,
  };
  const pool = {
    min: 0,
    max: poolSize,
    ...(runtimeRole
      ? {
          afterCreate: (connection: Client, done: (error: Error | null, connection: Client) => void) =>
            connection.query(`set role ${RUNTIME_ROLE}`, (error: Error | null) => {
              markFresh(connection, roles);
              done(error, connection);
            }),
        }
      : {}),
  };
  if (runtimeRole && !poolUrl)
    logger?.(`login ${REQUEST_LOGIN} not made (no privilege or no password): the pool logs in as the owner`);
  const orm = await MikroORM.init(createOrmConfig(poolUrl ?? url, { ...(logger ? { logger } : {}), pool }));
  enforceTenancy(
    orm.em.getConnection().getKnex().client as unknown as Parameters<typeof enforceTenancy>[0],
    roles,
    options.unscoped ?? 'maintenance',
  );
  return { orm, applied, runtimeRole };
}

/** Creates the database on the embedded cluster if it is missing; returns its URL. */
export async function ensureDatabase(maintenanceUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
