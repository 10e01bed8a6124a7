import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { createOrmConfig } from '../mikro-orm.config';
import type { AppConfig } from './config';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';

export interface Database {
  orm: MikroORM;
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
    embedded = await startEmbeddedPostgres(
      config.dataDir,
      (message) => logger.debug({ postgres: message }),
      options,
    );
    url = await ensureDatabase(embedded.url, EMBEDDED_DATABASE);
  }
  const orm = await MikroORM.init(
    createOrmConfig(url, { logger: (message) => logger.debug({ orm: message }) }),
  );
  const applied = await orm.migrator.up();
  logger.info({ applied: applied.map((migration) => migration.name) }, 'migrations up to date');
  return {
    orm,
    embedded,
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
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
