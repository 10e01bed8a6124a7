import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import pino from 'pino';
import type { AppConfig } from '../../src/server/config';
import { createContext, type AppContext } from '../../src/server/context';
import { DIRECTORY_SQL_TAG, DirectoryCache } from '../../src/services/read/directory-cache';
import { ensureDatabase, migrateAndOpen } from '../../src/server/database';
import { createHttpApp } from '../../src/server/http';
import type { RateLimits } from '../../src/services/access/rate-limit.service';
import { TokenService } from '../../src/services/access/token.service';
import { inRequestScope } from '../../src/services/tenancy';
import type { Express } from 'express';

export const testConfig: AppConfig = {
  nodeEnv: 'test',
  port: 0,
  host: '127.0.0.1',
  dataDir: '.data-test',
  jwtSecret: 'test-secret-that-is-long-enough-for-hs256-signing',
  // A fixed master key (docs/architecture.md, "Encryption at rest"): no key file written by tests.
  masterKey: Buffer.alloc(32, 7).toString('base64'),
  jwtTtlSeconds: 3600,
  logLevel: 'silent',
  introspection: true,
  playground: true,
  maxBodyBytes: 100_000,
  seedDemoData: false,
  runJobs: false,
  // Suites run many large queries per minute as one user; test/access/rate-limit.test.ts sets its own budgets.
  rateLimits: { userPerMinute: 1_000_000_000, apiKeyPerMinute: 1_000_000_000 },
};

export interface TestApp {
  orm: MikroORM;
  apollo: ApolloServer<AppContext>;
  app: Express;
  tokens: TokenService;
  rateLimits: RateLimits;
  /** Number of SQL statements sent since the last reset. */
  statements: { count: number; reset(): void };
  /** Connection URL of the tables' owner (what the job runner connects with). */
  url: string;
  /** Runs SQL as the tables' owner (DDL, staging past the runtime role's limits). */
  asOwner(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fresh database (its name says test) with migrations applied, and the real Apollo + express app.
 * `databaseUrl` (another test app's `url`): a second instance on the same database. `config`: settings
 * over testConfig.
 */
export async function createTestApp(
  logger = pino({ level: 'silent' }),
  options: { config?: Partial<AppConfig>; databaseUrl?: string } = {},
): Promise<TestApp> {
  const serverUrl = process.env.WELLNESS_TEST_SERVER_URL;
  if (!serverUrl)
    throw new Error('WELLNESS_TEST_SERVER_URL is not set: run the tests through jest (global setup).');
  const name = `app_test_${process.env.JEST_WORKER_ID ?? 0}_${randomBytes(4).toString('hex')}`;
  if (!name.includes('test'))
    throw new Error('Refusing to run tests against a database whose name does not say test');
  const url = options.databaseUrl ?? (await ensureDatabase(serverUrl, name));
  // Requests and fixtures run as the runtime role, exactly as in production; requests in their own
  // tenancy scope (row-level security). Statements of a test outside any scope (staging, inspection)
  // run as the jobs role, across organizations.
  const { orm } = await migrateAndOpen(url, 30, undefined, { unscoped: 'maintenance' });
  const statements = { count: 0, reset: () => void (statements.count = 0) };
  // Fills of the per-process user/organization cache are not per-request work: a request after them
  // sends none (src/services/read/directory-cache.ts), so a count that compares page sizes leaves them out.
  orm.em
    .getConnection()
    .getKnex()
    .on('query', (query: { sql: string }) => {
      if (!query.sql.startsWith(DIRECTORY_SQL_TAG)) statements.count++;
    });
  const tokens = new TokenService(testConfig.jwtSecret!, testConfig.jwtTtlSeconds);
  const { app, apollo, rateLimits } = await createHttpApp(
    { ...testConfig, ...options.config },
    orm,
    tokens,
    logger,
  );
  return {
    orm,
    apollo,
    app,
    tokens,
    rateLimits,
    statements,
    url,
    async asOwner(sql: string, params: unknown[] = []) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql, params);
      } finally {
        await client.end();
      }
    },
    async close() {
      await apollo.stop();
      await DirectoryCache.close(orm);
      await orm.close(true);
    },
  };
}

export interface GraphQLResult<TData = Record<string, unknown>> {
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** Runs an operation through Apollo with a context built exactly as for an HTTP request. */
export async function execute<TData = Record<string, any>>(
  testApp: TestApp,
  token: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResult<TData>> {
  // In a request's own tenancy scope, as server/http.ts runs every request (row-level security).
  return inRequestScope(async () => {
    const contextValue = await createContext(
      { orm: testApp.orm, tokens: testApp.tokens, rateLimits: testApp.rateLimits },
      {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        requestId: randomBytes(8).toString('hex'),
        logger: pino({ level: 'silent' }),
      },
    );
    const response = await testApp.apollo.executeOperation<TData>({ query, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('Expected a single result');
    return response.body.singleResult as GraphQLResult<TData>;
  });
}

export async function listen(app: Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
        server,
      });
    });
  });
}
