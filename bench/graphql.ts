import { randomBytes } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { createContext, type AppContext } from '../src/server/context';
import type { TokenService } from '../src/services/access/token.service';

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
 * Runs an operation through Apollo with a context built exactly as for an HTTP request (token check,
 * user lookup, fresh EntityManager, loaders, audit): copied from test/support/test-app.ts `execute`.
 */
export async function execute<TData = Record<string, any>>(
  app: BenchApp,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResult<TData>> {
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
}
