import type { Logger } from 'pino';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../core/viewer';
import type { Services } from '../services';
import type { RateBudget, RateLimits } from '../services/access/rate-limit.service';
import type { TokenService } from '../services/access/token.service';
import type { AuditService } from '../services/audit/audit.service';
import type { Loaders } from '../services/read/loaders';
import type { DirectoryCache } from '../services/read/directory-cache';
import type { HealthGrantLoader } from '../services/health-access/health-grant-loader';
import type { SelectionByType } from '../services/read/selection';

/**
 * Everything one request needs; built fresh for every request, shared by nothing. Built by
 * server/context.ts (the composition root) and declared here, so that resolvers depend on the
 * services they call, never on the server that assembles them.
 */
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
  /** The process's cache of users, organizations and names (one per ORM, shared on purpose: read-only rows). */
  directory: DirectoryCache;
  /** The viewer's health access grants in force, read at most once per request. */
  healthGrants: HealthGrantLoader;
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
