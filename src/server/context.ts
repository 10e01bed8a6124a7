import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Role } from '../entities/enums';
import { ORGANIZATION_FILTER } from '../mikro-orm.config';
import { authenticateApiKey } from '../services/api-key.service';
import { AuditService } from '../services/audit.service';
import { defaultRateLimits, type RateBudget, type RateLimits } from '../services/rate-limit.service';
import type { TokenService } from '../services/token.service';
import { DirectoryCache } from './directory-cache';
import { isDatabaseUnavailable, serviceUnavailable } from './unavailable';
import { createLoaders, type Loaders } from './loaders';
import { createServices, type Services } from './services';
import type { Viewer } from './viewer';
import type { SelectionByType } from '../resolvers/selection';

/** Everything one request needs; built fresh for every request, shared by nothing. */
export interface AppContext {
  requestId: string;
  /** The id the client sent as x-request-id, if it is a plain token. */
  correlationId?: string;
  /** The client's address as express determines it (see TRUST_PROXY); unset outside HTTP. */
  clientAddress?: string;
  logger: Logger;
  em: EntityManager;
  viewer: Viewer | null;
  audit: AuditService;
  loaders: Loaders;
  services: Services;
  tokens: TokenService;
  /** What the operation costs (server/query-cost.ts), set once it is resolved. */
  queryCost?: number;
  rateLimits: RateLimits;
  /** The caller's query cost budget after this request (server/rate-limit.plugin.ts). */
  rateBudget?: RateBudget;
  /**
   * A query's fields by type (server/read-selection.plugin.ts): the columns its reads fetch. A holder
   * the loaders share: Apollo runs each operation on a shallow copy of this context.
   */
  selection: { byType?: SelectionByType };
}

export interface ContextDependencies {
  orm: MikroORM;
  tokens: TokenService;
  /** The app's limiters (server/http.ts); without them, default limits on the ORM's pool. */
  rateLimits?: RateLimits;
}

export async function createContext(
  dependencies: ContextDependencies,
  request: {
    headers: IncomingHttpHeaders;
    requestId: string;
    correlationId?: string;
    clientAddress?: string;
    logger: Logger;
  },
): Promise<AppContext> {
  const em = dependencies.orm.em.fork();
  const directory = DirectoryCache.of(dependencies.orm);
  let viewer: Viewer | null;
  try {
    viewer = await authenticate(em, directory, dependencies.tokens, request.headers.authorization);
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw serviceUnavailable();
    throw error;
  }
  if (viewer) em.setFilterParams(ORGANIZATION_FILTER, { id: viewer.organizationId });
  const logger = viewer
    ? request.logger.child({ organizationId: viewer.organizationId, actor: viewer.id, role: viewer.role })
    : request.logger;
  const audit = new AuditService(em, viewer, request.requestId, request.correlationId);
  // The loaders read the query's selection once the operation is resolved (read-selection.plugin.ts).
  const selection: AppContext['selection'] = {};
  const loaders = createLoaders(em, viewer, directory, () => selection.byType);
  return {
    requestId: request.requestId,
    correlationId: request.correlationId,
    clientAddress: request.clientAddress,
    logger,
    em,
    viewer,
    audit,
    loaders,
    selection,
    services: createServices(em, viewer, audit, dependencies.tokens, loaders),
    tokens: dependencies.tokens,
    rateLimits: dependencies.rateLimits ?? defaultRateLimits(dependencies.orm.em.getConnection().getKnex()),
  };
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** No header: anonymous (only `login` is allowed). A bad credential is refused outright. */
async function authenticate(
  em: EntityManager,
  directory: DirectoryCache,
  tokens: TokenService,
  header?: string,
): Promise<Viewer | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw unauthenticated('Malformed Authorization header: use "Bearer <token>".');
  const credential = match[1];
  if (credential.startsWith('wk_')) {
    const apiKey = await authenticateApiKey(em, credential);
    if (!apiKey) throw unauthenticated('API key is unknown, revoked or expired.');
    return {
      kind: 'API_KEY',
      id: apiKey.id,
      apiKeyId: apiKey.id,
      organizationId: apiKey.organization.id,
      role: Role.INTEGRATION,
      displayName: apiKey.name,
      scopes: apiKey.scopes,
      rateLimitPerMinute: apiKey.rateLimitPerMinute ?? undefined,
    };
  }
  const claims = await tokens.verify(credential);
  if (!claims) throw unauthenticated('Token is invalid or expired: log in again.');
  // A deactivated user's unexpired token stops working within the directory's TTL (at once when the
  // change was made through this process).
  const user = await directory.user(em, claims.userId);
  if (!user || user.organization.id !== claims.organizationId) {
    throw unauthenticated('The account of this token is no longer active.');
  }
  return {
    kind: 'USER',
    id: user.id,
    userId: user.id,
    organizationId: user.organization.id,
    role: user.role as unknown as Role,
    displayName: user.displayName,
    scopes: [],
  };
}
