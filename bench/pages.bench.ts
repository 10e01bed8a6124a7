import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import pino from 'pino';
import { Role } from '../src/entities/access/access.enums';
import { projectRoot } from '../src/mikro-orm.config';
import type { AppConfig } from '../src/server/config';
import { DirectoryCache } from '../src/services/read/directory-cache';
import { createHttpApp } from '../src/server/http';
import { TokenService } from '../src/services/access/token.service';
import { captureStatements } from './explain';
import { BENCH_MASTER_KEY, execute } from './graphql';
import { parseMasterKey } from '../src/core/crypto/envelope';
import { keyRing } from '../src/core/crypto/key-ring';
import { rotateDataKey } from '../src/core/crypto/rotation';
import { benchDatabase, benchOrganization, cleanupsOnExit, runBenchmark } from './harness';
import { freePort, startChild, stopChild, waitReady } from './load';
import { loadPageData } from './pages-dataset';
import { measurePages, ROUNDS, verifyPages, type Targets } from './pages-run';
import { CUSTOMER_360_QUERY, LIST_PAGE_QUERY } from './pages-queries';
import { describeEnvironment, renderReport, updateDocument } from './pages-report';

/**
 * `npm run bench:pages`: the list page and the customer-360 page through the real server over HTTP
 * (node dist/src/main.js, production mode), side by side with a raw-SQL floor (bench/floor.ts) that
 * answers the same JSON from one prepared statement per page, under autocannon load.
 *
 *   BENCH_PAGE_CUSTOMERS  customers in the measured organization (default 10000; a second one gets a tenth)
 *   BENCH_PAGE_VISITS     visits over the last two years (default 100000), plus 30 per 360 customer
 *   BENCH_PAGE_SECONDS    timed seconds per target and concurrency (default 10), after 3 s of warm-up
 *   BENCH_PAGE_ROUNDS     rounds those seconds are split into, alternating server and floor (default 2)
 *   BENCH_POOL_SIZE       connections of the server's request pool and of the floor's pool alike (default 10)
 *   BENCH_PAGES           pages to drive (default "list,360"), BENCH_PAGE_CONCURRENCY (default "1,10,50"):
 *                         a quick A/B of one figure; the report then shows only those rows
 *   BENCH_DATABASE_URL    an existing PostgreSQL (maintenance URL) instead of a throw-away embedded one
 *   BENCH_OUTPUT          markdown report to update (default docs/benchmarks.md; "-" for none)
 *   BENCH_SERVER_NODE_ARGS node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p" (a profile
 *                         of the server under load, written when it stops)
 */

function intFromEnvironment(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

const CUSTOMERS = Math.max(100, intFromEnvironment('BENCH_PAGE_CUSTOMERS', 10_000));
const VISITS = intFromEnvironment('BENCH_PAGE_VISITS', 100_000);
const SECONDS = Math.max(1, intFromEnvironment('BENCH_PAGE_SECONDS', 10));
const POOL_SIZE = Math.max(1, intFromEnvironment('BENCH_POOL_SIZE', 10));
const OUTPUT = process.env.BENCH_OUTPUT ?? path.join(projectRoot, 'docs', 'benchmarks.md');
const PROFILE_CUSTOMERS = 50;
const log = (message: string) =>
  process.stderr.write(`[pages bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function main(): Promise<void> {
  const cleanups = cleanupsOnExit(log);
  const cleanup = cleanups.run;
  try {
    const started = Date.now();
    // 1. A throw-away database, migrated, with two organizations (the second must never show).
    const { url, orm } = await benchDatabase('pages_bench', cleanups, log);
    const em = orm.em.fork();
    const makeOrganization = (name: string) => benchOrganization(em, name, { name: '静安店', code: 'JA' });
    const measured = makeOrganization('悦心养生馆');
    const other = makeOrganization('隔壁足道');
    await em.flush();

    // 2. Data: customers (bench/dataset.ts), then what the two pages show.
    const client = new Client({ connectionString: url });
    await client.connect();
    cleanups.push(() => client.end());
    await client.query('set synchronous_commit = off');
    const loadStarted = Date.now();
    const scopes = [measured, other].map(({ organization, store }) => ({
      organizationId: organization.id,
      storeId: store.id,
    }));
    const profileIds = await loadPageData(client, scopes, {
      customers: CUSTOMERS,
      visits: VISITS,
      profiles: PROFILE_CUSTOMERS,
      managerId: measured.manager.id,
    });
    // Health values sealed the way an operator seals data written before the encryption
    // (npm run keys:rotate-data): the pages read and decrypt ciphertext, as in production.
    keyRing.useMasterKeys([parseMasterKey(BENCH_MASTER_KEY, 'BENCH_MASTER_KEY')]);
    for (const scope of scopes) {
      const sealed = await rotateDataKey(orm.em.fork(), scope.organizationId, { batchSize: 2_000 });
      log(`sealed ${sealed.rows} health rows of ${scope.organizationId}`);
    }
    log('vacuum analyze');
    await client.query('vacuum (analyze)');
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    log(`data loaded in ${loadSeconds.toFixed(0)} s`);

    // 3. The real server and the floor as child processes; the same app in-process counts statements.
    const secret = randomBytes(24).toString('hex');
    const tokens = new TokenService(secret, 3600);
    const { token } = await tokens.issue({
      userId: measured.manager.id,
      organizationId: measured.organization.id,
      role: Role.MANAGER,
    });
    const children: ChildProcess[] = [];
    cleanups.push(() => Promise.all(children.map((child) => stopChild(child))));
    const [serverPort, floorPort] = [await freePort(), await freePort()];
    const server = startChild(
      'server',
      path.join(projectRoot, 'dist', 'src', 'main.js'),
      {
        NODE_ENV: 'production',
        DATABASE_URL: url,
        JWT_SECRET: secret,
        MASTER_KEY: BENCH_MASTER_KEY,
        RUN_JOBS: 'false',
        SEED_DEMO_DATA: 'false',
        LOG_LEVEL: 'warn',
        // The per-user query-cost budget stays on (its PostgreSQL upsert is part of every request) but is
        // set above what the timed runs spend, so no request is refused.
        USER_RATE_LIMIT_PER_MINUTE: process.env.BENCH_USER_RATE_LIMIT ?? '1000000000',
        HOST: '127.0.0.1',
        PORT: String(serverPort),
        DATABASE_POOL_SIZE: String(POOL_SIZE),
      },
      process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean),
    );
    children.push(server);
    const floor = startChild('floor', path.join(projectRoot, 'dist', 'bench', 'floor.js'), {
      FLOOR_DATABASE_URL: url,
      FLOOR_ORGANIZATION_ID: measured.organization.id,
      FLOOR_PORT: String(floorPort),
      FLOOR_POOL_SIZE: String(POOL_SIZE),
      MASTER_KEY: BENCH_MASTER_KEY,
    });
    children.push(floor);
    const targets: Targets = {
      server: { origin: `http://127.0.0.1:${serverPort}`, pid: server.pid!, token },
      floor: { origin: `http://127.0.0.1:${floorPort}`, pid: floor.pid! },
    };
    await waitReady(`${targets.server.origin}/readyz`, server);
    await waitReady(`${targets.floor.origin}/readyz`, floor);
    log(`server pid ${server.pid} on ${serverPort}, floor pid ${floor.pid} on ${floorPort}`);

    // 4. Same JSON from both, the loaded counts on the pages, and no GraphQL errors; then statements.
    await verifyPages(client, targets, measured.organization.id, profileIds);
    const app = {
      orm,
      tokens,
      ...(await createHttpApp(loadConfig(secret), orm, tokens, pino({ level: 'silent' }))),
    };
    cleanups.push(() => app.apollo.stop());
    // Steady state: the user and organization come from the directory cache, which caches only once
    // it listens for changes (until then every request reads them: two more statements).
    const statementsOf = async (query: string, variables: Record<string, unknown>) => {
      await execute(app, token, query, variables);
      await DirectoryCache.of(orm).ready;
      await execute(app, token, query, variables);
      return (await captureStatements(orm, () => execute(app, token, query, variables))).length;
    };
    const statements = {
      list: await statementsOf(LIST_PAGE_QUERY, {}),
      '360': await statementsOf(CUSTOMER_360_QUERY, { id: profileIds[0] }),
    };
    log(`SQL statements per request: list ${statements.list}, 360 ${statements['360']}`);

    // 5. Load, server and floor back to back at each concurrency.
    const rows = await measurePages(client, targets, profileIds, SECONDS, log);

    // 6. Report.
    const environment = await describeEnvironment(client, measured.organization.id, {
      loadSeconds,
      profiles: profileIds.length,
      seconds: SECONDS,
      rounds: ROUNDS,
      poolSize: POOL_SIZE,
    });
    const report = renderReport(rows, statements, environment);
    process.stdout.write(`\n${report}\n`);
    if (OUTPUT !== '-') {
      await updateDocument(OUTPUT, report);
      log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await cleanup();
  }
}

/** The child server's configuration, for the in-process copy that counts statements. */
function loadConfig(jwtSecret: string): AppConfig {
  return {
    nodeEnv: 'production',
    port: 0,
    host: '127.0.0.1',
    dataDir: '.data-bench',
    masterKey: BENCH_MASTER_KEY,
    jwtSecret,
    jwtTtlSeconds: 3600,
    logLevel: 'silent',
    introspection: false,
    playground: false,
    maxBodyBytes: 1_000_000,
    seedDemoData: false,
    runJobs: false,
  };
}

runBenchmark(main, log);
