import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { serializeError } from './logger';
import type { Logger } from 'pino';
import { buildExecutableSchema } from './build-schema';
import type { TokenService } from '../services/access/token.service';
import type { AppConfig } from './config';
import { createContext, type AppContext } from './context';
import { compiledReadGateway } from './compiled-executor';
import { stringifyResponse } from './raw-json';
import { createErrorFormatter } from './error-formatter';
import { createMetrics, metricsRoute, type AppMetrics } from './metrics';
import { customerExportRouter } from './customer-export.router';
import { playgroundRouter } from './playground';
import { readSelectionPlugin } from './read-selection.plugin';
import { reportExportRouter } from './report-export';
import { nulInputPlugin } from './nul-input';
import { queryCostPlugin } from './query-cost';
import { rateLimitPlugin } from './rate-limit.plugin';
import {
  createRateLimits,
  DEFAULT_API_RATE_LIMITS,
  type RateLimits,
} from '../services/access/rate-limit.service';
import { DEFAULT_LOGIN_THROTTLE } from '../services/access/login-throttle.service';
import { RETRY_AFTER_SECONDS, unavailablePlugin } from './unavailable';
import { customerImportRouter } from './customer-import.router';
import { adoptMasterKeys } from '../core/crypto/data-keys';
import { masterKeys } from '../core/crypto/master-keys';
import { asMaintenance, inRequestScope } from '../services/tenancy';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** A client's x-request-id, when it is a plain token of at most 64 characters. */
function correlationIdOf(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : undefined;
}
/** Tokens a query may have: the richest documented page has about 150. */
export const MAX_TOKENS = 2000;

export interface HttpApp {
  app: Express;
  apollo: ApolloServer<AppContext>;
  /** Login throttle and query cost budgets, state in PostgreSQL (shared by every instance). */
  rateLimits: RateLimits;
  /** main.ts hands it the job runner (metrics.observeJobs) so that /metrics shows the queues. */
  metrics: AppMetrics;
}

/** Writes the collected health reads of a request in one INSERT, before the response leaves. */
const auditPlugin: ApolloServerPlugin<AppContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operationName }) {
        contextValue.audit.setOperationName(operationName ?? undefined);
      },
      async willSendResponse({ contextValue, response }) {
        try {
          await contextValue.audit.flushReads();
        } catch (error) {
          // Every read of health data is logged or not answered: without its audit rows the response
          // carries none of what it read.
          contextValue.logger.error({ err: error }, 'could not write the audit rows of this request');
          response.body = { kind: 'single', singleResult: { errors: [auditUnavailable()] } };
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        }
      },
    };
  },
};

function auditUnavailable() {
  return {
    message: `The reads of this request could not be written to the audit log, so nothing it read is answered. Retry in ${RETRY_AFTER_SECONDS} seconds.`,
    extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: RETRY_AFTER_SECONDS },
  };
}

export async function createHttpApp(
  config: AppConfig,
  orm: MikroORM,
  tokens: TokenService,
  logger: Logger,
  httpServer?: Server,
  /** The jobs pool (server/database.ts), for work across organizations at start; tests pass one ORM. */
  jobsOrm: MikroORM = orm,
): Promise<HttpApp> {
  const development = config.nodeEnv !== 'production';
  // Health data encryption: a wrong MASTER_KEY stops the start here (src/core/crypto/data-keys.ts).
  // Every organization's data keys are checked: across organizations, as the jobs role, on the jobs
  // pool (the request pool's login cannot become it).
  await asMaintenance(() => adoptMasterKeys(jobsOrm.em, masterKeys(config)));
  const schema = await buildExecutableSchema({ debug: false });
  const armor = new ApolloArmor({
    maxDepth: { n: 10 },
    maxAliases: { n: 15 },
    // Tokens are limited by graphql-js's own parser (parseOptions below): armor's plugin parsed again
    // and threw from parsingDidStart, which Apollo answered as HTTP 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: 20 },
    // Cost is computed with the variables by query-cost.ts (armor's rule ignores `first: $n`).
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !development },
  });
  const protection = armor.protect();
  const rateLimits = createRateLimits(orm.em.getConnection().getKnex(), {
    login: config.loginThrottle ?? DEFAULT_LOGIN_THROTTLE,
    api: config.rateLimits ?? DEFAULT_API_RATE_LIMITS,
  });
  const metrics = createMetrics(orm, logger);
  const apollo = new ApolloServer<AppContext>({
    // Reads the compiler covers run as one json-building statement (server/compiled-executor.ts).
    gateway: compiledReadGateway(schema, {
      enabled: config.compiledReads ?? true,
      retry: config.compiledReadRetry ?? 'backoff',
    }),
    // A compiled read's data is json text already: written out as it is (server/raw-json.ts).
    stringifyResult: stringifyResponse,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: development && config.nodeEnv !== 'test',
    formatError: createErrorFormatter(logger, false),
    validationRules: [...protection.validationRules],
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    // main.ts owns shutdown: drain HTTP, close the ORM, then stop the embedded PostgreSQL. Apollo's own
    // handler would re-raise the signal after draining and kill the process before the database stops.
    stopOnTerminationSignals: false,
    plugins: [
      ...protection.plugins,
      nulInputPlugin,
      readSelectionPlugin,
      queryCostPlugin,
      rateLimitPlugin,
      unavailablePlugin,
      auditPlugin,
      metrics.plugin,
      ApolloServerPluginLandingPageDisabled(),
      // Responses carry no cache hints; the plugin otherwise wraps every field resolver of every request.
      ApolloServerPluginCacheControlDisabled(),
      ...(httpServer ? [ApolloServerPluginDrainHttpServer({ httpServer })] : []),
    ],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // Express hashed every answer it sends (a weak ETag: SHA-1 over a 30 KB list page, per request) for a
  // conditional GET that no GraphQL POST makes; answers are per viewer and never revalidated.
  app.disable('etag');
  // The client address (req.ip) that logins are throttled by: X-Forwarded-For only from trusted proxies.
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
  app.use(
    pinoHttp({
      logger,
      // The request id is always the server's own; what a client sends as x-request-id is its
      // correlation id (logged and audited apart, echoed as x-correlation-id).
      genReqId: (request, response) => {
        const id = randomUUID();
        response.setHeader('x-request-id', id);
        const correlationId = correlationIdOf(request.headers['x-request-id']);
        if (correlationId) response.setHeader('x-correlation-id', correlationId);
        return id;
      },
      customProps: (request) => {
        const correlationId = correlationIdOf(request.headers['x-request-id']);
        return correlationId ? { correlationId } : {};
      },
      customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: {
        ignore: (request) =>
          request.url === '/healthz' ||
          request.url === '/metrics' ||
          request.url?.startsWith('/playground/') === true,
      },
      // Unwrapped, so each serializer gets the raw value: wrapped, logger.ts's `err` serializer saw a
      // plain object already serialized with the database error's message (the SQL with its values).
      wrapSerializers: false,
      serializers: {
        err: serializeError,
        req: (request) => ({ id: request.id, method: request.method, url: request.url }),
        res: (response) => ({ statusCode: response.statusCode }),
      },
    }),
  );
  // Row-level security: each request's statements run in its own tenancy scope (services/tenancy.ts).
  app.use((_request, _response, next) => inRequestScope(next));
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', async (request, response) => {
    try {
      await orm.em.getConnection().execute('select 1');
      response.json({ status: 'ready' });
    } catch (error) {
      request.log.error({ err: error }, 'database not reachable');
      response.status(503).json({ status: 'unavailable', reason: 'database not reachable' });
    }
  });
  const metricsHandler = metricsRoute(config, metrics);
  if (metricsHandler) app.get('/metrics', metricsHandler);
  if (config.playground) app.use(playgroundRouter());
  // One per-request context for /graphql and the exports (the report exports run GraphQL operations).
  const requestContext = (req: express.Request) =>
    createContext(
      { orm, tokens, rateLimits },
      {
        headers: req.headers,
        requestId: String(req.id),
        correlationId: correlationIdOf(req.headers['x-request-id']),
        clientAddress: req.ip,
        logger: req.log,
      },
    );
  app.use(
    '/graphql',
    express.json({ limit: config.maxBodyBytes }),
    expressMiddleware(apollo, { context: async ({ req }) => requestContext(req) }),
  );
  app.use('/exports/customers', customerExportRouter(requestContext));
  app.use('/exports', reportExportRouter({ apollo, context: requestContext }));
  app.use(customerImportRouter(requestContext));
  app.use((_request, response) => {
    response.status(404).json({ error: 'Not found: the API is at /graphql.' });
  });
  app.use(
    (
      error: Error & { status?: number; type?: string },
      request: express.Request,
      response: express.Response,
      _next: express.NextFunction,
    ) => {
      const status = error.status ?? 500;
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      const message =
        error.type === 'entity.too.large'
          ? `Request body is larger than ${config.maxBodyBytes} bytes.`
          : status >= 500
            ? 'Internal server error.'
            : error.message;
      response.status(status).json({
        errors: [
          {
            message,
            extensions: {
              code: status === 413 || status === 400 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR',
            },
          },
        ],
      });
    },
  );
  return { app, apollo, metrics, rateLimits };
}
