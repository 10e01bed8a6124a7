import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { createOrmConfig } from '../mikro-orm.config';
import { ensureLogin, JOBS_LOGIN, REQUEST_LOGIN } from './request-login';
import { DirectoryCache } from '../services/read/directory-cache';
import { keyRing } from '../core/crypto/key-ring';
import { currentTenancy, enforceTenancy, markFresh, type TenancyRoles } from '../services/tenancy';
import type { AppConfig } from './config';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';

export interface Database {
  /** The request pool (login wellness_app): runtime role only; asMaintenance on it throws. */
  orm: MikroORM;
  /** The jobs pool (login wellness_worker): jobs, seeding, key adoption at boot, command-line tools. */
  jobsOrm: MikroORM;
  /** Connection URL of the database's owner (migrations, the job runner). */
  url: string;
  embedded?: RunningPostgres;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'wellness';
/** Connections of the jobs pool: jobs run one unit at a time per queue; seeding and tools are one. */
const JOBS_POOL_SIZE = 3;

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL under DATA_DIR (with `attach`, the one a
 * running service already started). Migrations always run. Opens two pools on two logins: requests
 * can never become the jobs role, even with SQL of their own (issue 17).
 */
export async function openDatabase(
  config: AppConfig,
  logger: Logger,
  options: {
    attach?: boolean;
    /** 'tool': a command-line tool on the jobs pool, which works across organizations anyway. */
    purpose?: 'service' | 'tool';
  } = {},
): Promise<Database> {
  let url = config.databaseUrl;
  let embedded: RunningPostgres | undefined;
  if (!url) {
    logger.info({ dataDir: config.dataDir }, 'DATABASE_URL not set: starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres(config.dataDir, (message) => logger.debug({ postgres: message }), {
      attach: options.attach,
      warn: (message) => logger.warn({ postgres: message }),
    });
    url = await ensureDatabase(embedded.url, EMBEDDED_DATABASE);
  }
  const ormLogger = (message: string) => logger.debug({ orm: message });
  const prepared = await migrate(url, ormLogger);
  logger.info({ applied: prepared.applied, runtimeRole: prepared.runtimeRole }, 'migrations up to date');
  const unbound = !prepared.runtimeRole
    ? `role ${RUNTIME_ROLE} is missing (no privilege to create or grant roles)`
    : !prepared.logins.request || !prepared.logins.jobs
      ? `logins ${REQUEST_LOGIN}/${JOBS_LOGIN} not made (no privilege to create roles, or no password in the URL or PGPASSWORD)`
      : undefined;
  if (unbound && config.nodeEnv === 'production' && !config.allowOwnerPools && options.purpose !== 'tool') {
    // The owner's policy sees every organization's rows: row-level security would bind nothing.
    throw new Error(
      `Refusing to start in production: ${unbound}, so requests would run as the tables' owner, whom ` +
        'row-level security does not bind to one organization and the append-only tables do not bind ' +
        "either. Give DATABASE_URL's user CREATEROLE and a password (in the URL or PGPASSWORD), then " +
        'start again; or set ALLOW_OWNER_POOLS=true to run so, tenancy then resting on the ORM filter alone.',
    );
  }
  if (unbound)
    logger.warn(
      `${unbound}: requests run as the table owner, past row-level security (production refuses unless ALLOW_OWNER_POOLS=true)`,
    );
  // The service: a statement outside a request or job scope sees no tenant row.
  const orm = await openPool(url, prepared, config.databasePoolSize ?? 10, ormLogger, {
    unscoped: 'nothing',
    login: 'request',
  });
  const jobsOrm = await openPool(url, prepared, JOBS_POOL_SIZE, ormLogger, {
    unscoped: 'nothing',
    login: 'jobs',
  }).catch(async (error) => {
    await orm.close(true);
    throw error;
  });
  return {
    orm,
    jobsOrm,
    url,
    embedded,
    async close() {
      await DirectoryCache.close(orm);
      await DirectoryCache.close(jobsOrm);
      await orm.close(true);
      await jobsOrm.close(true);
      await embedded?.stop();
    },
  };
}

/** The role requests run as (see Migration20261122213000_runtime_role): no UPDATE/DELETE on append-only tables. */
export const RUNTIME_ROLE = 'wellness_runtime';
/** The role jobs run as: the runtime role's grants, every organization's rows (Migration20261203200000). */
export const JOBS_ROLE = 'wellness_jobs';

/** What migrating found and made: the roles, and the pool URLs of the two logins (undefined: the owner's). */
interface Prepared {
  applied: string[];
  runtimeRole: boolean;
  roles: TenancyRoles;
  logins: { request?: string; jobs?: string };
}

/** Migrates as the connecting user (the tables' owner) and makes the logins (server/request-login.ts). */
async function migrate(url: string, logger?: (message: string) => void): Promise<Prepared> {
  const owner = await MikroORM.init(createOrmConfig(url, logger ? { logger } : {}));
  try {
    const applied = (await owner.migrator.up()).map((migration) => migration.name);
    const member = async (role: string) => {
      const [row] = await owner.em
        .getConnection()
        .execute<{ member: boolean }[]>(
          `select exists (select 1 from pg_roles where rolname = ?) and pg_has_role(current_user, ?, 'member') as member`,
          [role, role],
        );
      return row.member;
    };
    const runtimeRole = await member(RUNTIME_ROLE);
    const jobsRole = runtimeRole && (await member(JOBS_ROLE));
    const logins: Prepared['logins'] = {};
    if (runtimeRole) {
      // The request login: the runtime role only, and no longer the jobs role where an earlier
      // version granted it (issue 17).
      logins.request = await ensureLogin(owner.em, url, REQUEST_LOGIN, [RUNTIME_ROLE], [JOBS_ROLE]);
      logins.jobs = await ensureLogin(
        owner.em,
        url,
        JOBS_LOGIN,
        jobsRole ? [RUNTIME_ROLE, JOBS_ROLE] : [RUNTIME_ROLE],
      );
    }
    return {
      applied,
      runtimeRole,
      roles: { runtime: runtimeRole ? RUNTIME_ROLE : undefined, jobs: jobsRole ? JOBS_ROLE : undefined },
      logins,
    };
  } finally {
    await owner.close(true);
  }
}

/**
 * Opens a pool on one of the logins: every pooled connection does `SET ROLE wellness_runtime`, so a
 * request can insert ledger rows but never update, delete or un-trigger them. Every connection
 * handed out carries the running tenancy scope (services/tenancy.ts). On the request login a
 * maintenance scope throws: it could not become the jobs role anyway, and falling back silently
 * would hide work across organizations started in a request.
 */
async function openPool(
  url: string,
  prepared: Prepared,
  poolSize: number,
  logger: ((message: string) => void) | undefined,
  options: { unscoped: 'nothing' | 'maintenance'; login: 'request' | 'jobs' },
): Promise<MikroORM> {
  const { roles } = prepared;
  if (options.login === 'request' && options.unscoped === 'maintenance')
    throw new Error('the request pool cannot run unscoped statements as maintenance: open the jobs pool');
  const pool = {
    min: 0,
    max: poolSize,
    ...(roles.runtime
      ? {
          afterCreate: (connection: Client, done: (error: Error | null, connection: Client) => void) =>
            connection.query(`set role ${RUNTIME_ROLE}`, (error: Error | null) => {
              markFresh(connection, roles);
              done(error, connection);
            }),
        }
      : {}),
  };
  const poolUrl = (options.login === 'request' ? prepared.logins.request : prepared.logins.jobs) ?? url;
  const orm = await MikroORM.init(createOrmConfig(poolUrl, { ...(logger ? { logger } : {}), pool }));
  enforceTenancy(
    orm.em.getConnection().getKnex().client as unknown as Parameters<typeof enforceTenancy>[0],
    roles,
    options.unscoped,
    options.login === 'jobs' ? 'allowed' : 'forbidden',
  );
  // The same scope decides whose data keys open values: an organization's work opens its own only.
  keyRing.confineTo(() => currentTenancy()?.organizationId);
  return orm;
}

/**
 * Migrates, then opens one pool (tests, benchmarks). `unscoped` says what a statement outside any
 * scope runs as: the service passes 'nothing' (no tenant row); the default, 'maintenance', is for
 * test harnesses and benchmarks that stage and inspect data across organizations. `login`: the
 * default, 'jobs', may run maintenance; 'request' is the service's request pool (maintenance throws).
 */
export async function migrateAndOpen(
  url: string,
  poolSize: number,
  logger?: (message: string) => void,
  options: { unscoped?: 'nothing' | 'maintenance'; login?: 'request' | 'jobs' } = {},
): Promise<{ orm: MikroORM; applied: string[]; runtimeRole: boolean }> {
  const prepared = await migrate(url, logger);
  if (prepared.runtimeRole && !prepared.logins.request)
    logger?.(
      `logins ${REQUEST_LOGIN}/${JOBS_LOGIN} not made (no privilege or no password): the pool logs in as the owner`,
    );
  const orm = await openPool(url, prepared, poolSize, logger, {
    unscoped: options.unscoped ?? 'maintenance',
    login: options.login ?? 'jobs',
  });
  return { orm, applied: prepared.applied, runtimeRole: prepared.runtimeRole };
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
