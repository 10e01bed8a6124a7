import path from 'node:path';
import { DataloaderType, ReflectMetadataProvider } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { entities } from './entities';
import { EncryptionSubscriber } from './entities/encryption.subscriber';
import { createLogger } from './server/logger';

export const ORGANIZATION_FILTER = 'organization';

let driverLogger: Logger | undefined;
/** The driver's own log lines, at the configured level (created on first use). */
function knexLogger(): Logger {
  return (driverLogger ??= createLogger(process.env.LOG_LEVEL || 'info'));
}

/** The repository root, whether this file runs from src/ (tests) or from dist/src/ (npm start). */
export const projectRoot = path.resolve(
  __dirname,
  __dirname.split(path.sep).includes('dist') ? '../..' : '..',
);

/**
 * The one scoping mechanism: a default filter on every entity. A request context sets its
 * organization id as the filter parameter; a query without it fails instead of reading every tenant.
 */
function organizationCondition(
  args: { id: string },
  _type: string,
  _em: unknown,
  _options: unknown,
  entityName?: string,
) {
  switch (entityName) {
    case 'Organization':
      return { id: args.id };
    case 'AuditEvent':
    case 'DataKey':
      return { organizationId: args.id };
    default:
      return { organization: args.id };
  }
}

export function createOrmConfig(clientUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
    entities,
    // Seals health values on every flush (docs/architecture.md, "Encryption at rest").
    subscribers: [new EncryptionSubscriber()],
    metadataProvider: ReflectMetadataProvider,
    // Decided by how this file runs, not guessed from the environment (MikroORM treats JEST_WORKER_ID as
    // TypeScript, which broke a compiled server started from a test).
    preferTs: __filename.endsWith('.ts'),
    discovery: { warnWhenNoEntities: true },
    dataloader: DataloaderType.ALL,
    forceUtcTimezone: true,
    ignoreUndefinedInQuery: true,
    // The organization filter compares the foreign key; joining the organization row adds nothing.
    autoJoinRefsForFilters: false,
    allowGlobalContext: false,
    extensions: [Migrator],
    // knex reports pool trouble ("Connection Error: Connection ended unexpectedly") on the console;
    // through pino it is a JSON line like every other log. Its messages carry no SQL values.
    driverOptions: {
      log: {
        warn: (message: unknown) => knexLogger().warn({ knex: String(message) }, 'database driver warning'),
        error: (message: unknown) => knexLogger().error({ knex: String(message) }, 'database driver error'),
        deprecate: (message: unknown) =>
          knexLogger().warn({ knex: String(message) }, 'database driver deprecation'),
        debug: () => undefined,
      },
    },
    filters: {
      [ORGANIZATION_FILTER]: { cond: organizationCondition, default: true },
    },
    migrations: {
      // Compiled migrations next to this file; new ones are generated as TypeScript into src/.
      path: path.join(__dirname, 'migrations'),
      pathTs: path.join(projectRoot, 'src', 'migrations'),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      // No snapshot file: `npm run migration:create` migrates a throw-away database first and diffs the
      // entities against it, which is what a snapshot would record (and every test database wrote one).
      snapshot: false,
      emit: 'ts',
      silent: true,
    },
    // rate-limiter-flexible owns `rate_limit` (Migration20261201120000_rate_limits creates it, knex
    // reads it): it has no entity, and without this every generated migration would drop it.
    // The report rollups are kept by triggers and read by plain SQL (Migration20261202100000_report_rollups).
    schemaGenerator: {
      skipTables: [
        'rate_limit',
        'report_revenue_day',
        'report_service_day',
        'report_settled_visit',
        'report_settled_line',
        'report_first_visit',
        // RFM's snapshot, written by plain SQL (Migration20261203120000_report_snapshots).
        'customer_rfm_run',
        'customer_rfm',
        'customer_store_rfm_run',
        'customer_store_rfm',
        'report_staff_day',
        'report_staff_revenue_day',
        // Customer counts by organization, kept by triggers (Migration20261207010000_customer_tally).
        'customer_tally',
      ],
    },
    pool: { min: 0, max: 10 },
    ...overrides,
  });
}
