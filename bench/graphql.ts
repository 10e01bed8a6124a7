import { randomBytes } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { createContext, type AppContext } from '../src/server/context';
import { createHttpApp } from '../src/server/http';
import { TokenService } from '../src/services/access/token.service';
import { inRequestScope } from '../src/services/tenancy';

export interface BenchApp {
  orm: MikroORM;
  apollo: ApolloServer<AppContext>;
  tokens: TokenService;
}

export interface GraphQLResult<TData = Record<string, any>> {
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

const silent = pino({ level: 'silent' });

/**
 * The master key of every bench database (synthetic data): fixed, so a kept PROFILE_DIR opens again
 * (a data key wrapped by another master key refuses the start).
 */
export const BENCH_MASTER_KEY = Buffer.alloc(32, 11).toString('base64');

/**
 * The real app in production mode for in-process runs: shield, audit, query cost; no playground, no
 * jobs, rate budgets too high to matter (a bench measures the work, not the limiter).
 */
export async function createBenchApp(orm: MikroORM, dataDir: string): Promise<BenchApp> {
  const tokens = new TokenService(randomBytes(32).toString('hex'), 86_400);
  const { apollo } = await createHttpApp(
    {
      nodeEnv: 'production',
      port: 0,
      host: '127.0.0.1',
      dataDir,
      masterKey: BENCH_MASTER_KEY,
      jwtTtlSeconds: 86_400,
      logLevel: 'silent',
      introspection: false,
      playground: false,
      maxBodyBytes: 1_000_000,
      seedDemoData: false,
      runJobs: false,
      rateLimits: { userPerMinute: 1e9, apiKeyPerMinute: 1e9 },
      // COMPILED_READS=off: every read through graphql-js (an A/B of server/compiled-executor.ts).
      compiledReads: process.env.COMPILED_READS !== 'off',
    },
    orm,
    tokens,
    silent,
  );
  return { orm, apollo, tokens };
}

/**
 * Runs an operation through Apollo with a context built exactly as for an HTTP request (token check,
 * user lookup, fresh EntityManager, loaders, audit): copied from test/support/test-app.ts `execute`.
 */
export async function execute<TData = Record<string, any>>(
  app: BenchApp,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResult<TData>> {
  // In a request's own tenancy scope, as server/http.ts runs every request (row-level security).
  return inRequestScope(async () => {
    const contextValue = await createContext(
      { orm: app.orm, tokens: app.tokens },
      {
        headers: { authorization: `Bearer ${token}` },
        requestId: randomBytes(8).toString('hex'),
        logger: silent,
      },
    );
    const response = await app.apollo.executeOperation<TData>({ query, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('Expected a single result');
    return response.body.singleResult as GraphQLResult<TData>;
  });
}
