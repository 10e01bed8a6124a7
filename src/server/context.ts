import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Role } from '../entities/access/access.enums';
import { ORGANIZATION_FILTER } from '../mikro-orm.config';
import { apiKeyOrganization, authenticateApiKey } from '../services/access/api-key.service';
import { AuditService } from '../services/audit/audit.service';
import { defaultRateLimits, type RateLimits } from '../services/access/rate-limit.service';
import type { TokenService } from '../services/access/token.service';
import { DirectoryCache } from '../services/read/directory-cache';
import { isDatabaseUnavailable, serviceUnavailable } from './unavailable';
import { createLoaders, type Loaders } from '../services/read/loaders';
import { HealthGrantLoader } from '../services/health-access/health-grant-loader';
import { createServices, type Services } from '../services';
import { ensureOrganizationKeys } from '../core/crypto/data-keys';
import { currentTenancy, type TenancyScope } from '../services/tenancy';
import type { Viewer } from '../core/viewer';
import type { PolicyContext } from '../policies/policy-context';
import type { AppContext } from '../resolvers/context';

export type { AppContext };

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
  // The request's tenancy scope (server/http.ts opens it): every statement of this request runs with
  // its organization, so row-level security answers for the viewer's organization only.
  const scope = currentTenancy();
  if (!scope || scope.maintenance)
    throw new Error('createContext runs in a request scope (services/tenancy.ts inRequestScope)');
  const em = dependencies.orm.em.fork();
  const directory = DirectoryCache.of(dependencies.orm);
  let viewer: Viewer | null;
  try {
    viewer = await authenticate(em, directory, dependencies.tokens, scope, request.headers.authorization);
    // The organization's data keys in the process's key ring before anything reads health data (one
    // cached lookup per process per organization: src/core/crypto/data-keys.ts).
    if (viewer) await ensureOrganizationKeys(em, viewer.organizationId);
  } catch (error) {
    scope.organizationId = null;
    if (isDatabaseUnavailable(error)) throw serviceUnavailable();
    throw error;
  }
  scope.organizationId = viewer?.organizationId ?? null;
  if (viewer) em.setFilterParams(ORGANIZATION_FILTER, { id: viewer.organizationId });
  const audit = new AuditService(em, viewer, request.requestId, request.correlationId);
  // The loaders read the query's selection once the operation is resolved (read-selection.plugin.ts).
  const selection: AppContext['selection'] = {};
  const healthGrants = new HealthGrantLoader(em, viewer);
  healthGrants.onUse((customerId, grant) => audit.recordGrantUse(customerId, grant));
  // Loaders, services and the logger are made on first use: a compiled read (server/compiled-executor.ts) uses
  // neither (making them was about 2 % of its CPU in a profile; all of createContext, a tenth). Still
  // one set per request, never shared. The getters sit on the context's prototype: Apollo copies the
  // context's own properties into each operation's context (ApolloServer.js cloneObject, an
  // Object.assign, which calls own getters), and had made both on every request.
  let loaders: Loaders | undefined;
  let services: Services | undefined;
  // The viewer's child logger likewise: most requests log nothing past pino-http's own line.
  let logger: Logger | undefined;
  const loadersOnce = () => (loaders ??= createLoaders(em, viewer, directory, () => selection.byType));
  const lazy: Pick<AppContext, 'loaders' | 'services' | 'logger'> = Object.create(Object.prototype, {
    logger: {
      get: () =>
        (logger ??= viewer
          ? request.logger.child({
              organizationId: viewer.organizationId,
              actor: viewer.id,
              role: viewer.role,
            })
          : request.logger),
    },
    loaders: { get: loadersOnce },
    services: {
      get: () => (services ??= createServices(em, viewer, audit, dependencies.tokens, loadersOnce())),
    },
  });
  return Object.assign(Object.create(lazy) as typeof lazy, {
    requestId: request.requestId,
    correlationId: request.correlationId,
    clientAddress: request.clientAddress,
    em,
    viewer,
    audit,
    directory,
    healthGrants,
    selection,
    tokens: dependencies.tokens,
    rateLimits: dependencies.rateLimits ?? defaultRateLimits(dependencies.orm.em.getConnection().getKnex()),
  });
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** No header: anonymous (only `login` is allowed). A bad credential is refused outright. */
async function authenticate(
  em: EntityManager,
  directory: DirectoryCache,
  tokens: TokenService,
  scope: TenancyScope,
  header?: string,
): Promise<Viewer | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw unauthenticated('Malformed Authorization header: use "Bearer <token>".');
  const credential = match[1];
  if (credential.startsWith('wk_')) {
    // The key names its organization (a narrow SECURITY DEFINER lookup); its row is then read as any.
    scope.organizationId = await apiKeyOrganization(em, credential);
    const apiKey = scope.organizationId ? await authenticateApiKey(em, credential) : null;
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
  // A verified token names the organization; the user is read within it.
  scope.organizationId = claims.organizationId;
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

/** The shield rules read the context by shape (policies/policy-context.ts): this keeps the two in step. */
type ServesPolicies<T extends PolicyContext> = T;
export type PolicyReadyContext = ServesPolicies<AppContext>;
