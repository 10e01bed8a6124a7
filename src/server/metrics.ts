import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { RequestHandler } from 'express';
import { getOperationAST } from 'graphql';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { listBaseBackups } from './backup.base';
import type { AppConfig } from './config';
import type { AppContext } from './context';

/** Operation names that become a label: a plain identifier, never a client's free text. */
const OPERATION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Distinct operation labels per app; names seen after that are counted as "other". */
export const MAX_OPERATION_LABELS = 100;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,49}$/;

/** What a tarn pool (knex's, under MikroORM) tells about itself. */
interface PoolState {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

/** pg-boss promotes countStates (the numbers of its `monitor-states` event) but does not type it. */
type CountingBoss = PgBoss & { countStates?: () => Promise<PgBoss.MonitorStates> };

export interface AppMetrics {
  registry: Registry;
  /** Counts requests, errors and latency by operation, and audit rows written by each request. */
  plugin: ApolloServerPlugin<AppContext>;
  /** Reports the job queues of this runner (its depth and failures are read at scrape time). */
  observeJobs(boss: PgBoss): void;
  /** Reports the embedded cluster's newest base backup (read from DATA_DIR at scrape time). */
  observeBackups(dataDirectory: string): void;
}

/** The first OPERATION_NAME-shaped names get their own label; anything else is "other" (bounded cardinality). */
function operationLabels(max: number): (name: string | null | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (seen.has(name)) return name;
    if (seen.size >= max) return 'other';
    seen.add(name);
    return name;
  };
}

function codeOf(extensions: Record<string, unknown> | undefined): string {
  const code = extensions?.code;
  return typeof code === 'string' && ERROR_CODE.test(code) ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * A registry per app (tests run several apps in one process), with Node's process metrics, GraphQL
 * requests, the ORM's connection pool and, once observed, the job queues. Pool and queue numbers are
 * read when scraped, so an idle service does no work for them.
 */
export function createMetrics(
  orm: MikroORM,
  logger: Logger,
  options: { maxOperationLabels?: number } = {},
): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const operationLabel = operationLabels(options.maxOperationLabels ?? MAX_OPERATION_LABELS);

  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL requests by operation name and outcome (ok, or the code of the first error).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors in responses, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time from the start of a GraphQL request to its response, by operation name.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const auditRows = new Counter({
    name: 'audit_rows_written_total',
    help: 'Audit rows written: health reads (read), audited changes (change, once committed), logins and failed logins (login).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections: used (lent to a query), free (idle), pending (requests waiting for one).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const pool = orm.em.getConnection().getKnex().client.pool as PoolState | undefined;
      if (!pool) return;
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
      this.set({ state: 'pending' }, pool.numPendingAcquires());
    },
  });
  new Gauge({
    name: 'db_pool_max_connections',
    help: 'Largest number of connections the database pool opens.',
    registers: [registry],
    collect() {
      const pool = orm.em.getConnection().getKnex().client.pool as PoolState | undefined;
      if (pool) this.set(pool.max);
    },
  });

  let boss: CountingBoss | undefined;
  new Gauge({
    name: 'job_queue_jobs',
    help: 'Jobs per queue: queued (created or waiting to retry: the depth), active, failed (retries exhausted, kept until archived).',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!boss?.countStates) return;
      try {
        const [queues, states] = await Promise.all([boss.getQueues(), boss.countStates()]);
        for (const { name } of queues) {
          const counts = states.queues[name];
          this.set({ queue: name, state: 'queued' }, (counts?.created ?? 0) + (counts?.retry ?? 0));
          this.set({ queue: name, state: 'active' }, counts?.active ?? 0);
          this.set({ queue: name, state: 'failed' }, counts?.failed ?? 0);
        }
      } catch (error) {
        logger.warn({ err: error }, 'could not read the job queues for /metrics');
      }
    },
  });

  const plugin: ApolloServerPlugin<AppContext> = {
    async contextCreationDidFail({ error }) {
      // No operation was parsed: a refused credential or the database being down.
      const code = codeOf((error as { extensions?: Record<string, unknown> }).extensions);
      requests.inc({ operation: 'unknown', outcome: code });
      errors.inc({ code });
    },
    async requestDidStart({ contextValue }) {
      const stopTimer = duration.startTimer();
      contextValue.audit.onRowsWritten((kind, rows) => auditRows.inc({ kind }, rows));
      return {
        async willSendResponse({ response, document, request, operationName }) {
          // A query that failed validation has no resolved operation yet: its name is read off the
          // parsed document. One that did not parse is "unknown".
          const operation = document
            ? operationLabel(operationName ?? getOperationAST(document, request.operationName)?.name?.value)
            : 'unknown';
          const sent = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = sent.map((error) => codeOf(error.extensions));
          for (const code of codes) errors.inc({ code });
          requests.inc({ operation, outcome: codes[0] ?? 'ok' });
          stopTimer({ operation });
        },
      };
    },
  };

  return {
    registry,
    plugin,
    observeJobs(runner) {
      boss = runner;
    },
    observeBackups(dataDirectory) {
      // Registered here, not above: with DATABASE_URL there is no backup of ours to report, not a 0.
      new Gauge({
        name: 'backup_last_finished_timestamp_seconds',
        help: 'When the newest base backup of the embedded PostgreSQL finished (0: none yet); alert when it is older than BACKUP_SCHEDULE says.',
        registers: [registry],
        async collect() {
          const backups = await listBaseBackups(dataDirectory);
          const newest = backups[backups.length - 1];
          this.set(newest ? Date.parse(newest.finishedAt) / 1000 : 0);
        },
      });
    },
  };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * GET /metrics: with METRICS_TOKEN it needs `Authorization: Bearer <token>`; without it, it is open
 * in development and tests and absent (404) in production, where it would show load and error rates.
 */
export function metricsRoute(config: AppConfig, metrics: AppMetrics): RequestHandler | undefined {
  const token = config.metricsToken;
  if (!token && config.nodeEnv === 'production') return undefined;
  const expected = token ? sha256(`Bearer ${token}`) : undefined;
  return async (request, response) => {
    // Hashes have the same length whatever was sent, and comparing them takes the same time.
    if (expected && !timingSafeEqual(sha256(request.headers.authorization ?? ''), expected)) {
      response.setHeader('www-authenticate', 'Bearer realm="metrics"');
      response.status(401).json({ error: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.' });
      return;
    }
    response.setHeader('content-type', metrics.registry.contentType);
    response.send(await metrics.registry.metrics());
  };
}
