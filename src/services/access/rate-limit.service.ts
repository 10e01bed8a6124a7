import type { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Viewer } from '../../core/viewer';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle, type LoginThrottleSettings } from './login-throttle.service';
import { SpendBatches } from './rate-limit-batch';
import { counter, secondsUntil, type RateLimitStoreClient } from './rate-limit-store';

export interface ApiRateLimitSettings {
  /** Query cost points per minute of a staff user; 0: no limit. */
  userPerMinute: number;
  /** Of an API key without its own `rateLimitPerMinute`; 0: no limit. */
  apiKeyPerMinute: number;
}

export const DEFAULT_API_RATE_LIMITS: ApiRateLimitSettings = {
  userPerMinute: 300_000,
  apiKeyPerMinute: 150_000,
};

const WINDOW_SECONDS = 60;

/** A caller's budget after a request: what the RateLimit-* headers say. */
export interface RateBudget {
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the full budget is back. */
  resetSeconds: number;
  /** This request did not fit: it was refused and not counted. */
  exceeded: boolean;
}

/**
 * A budget of query cost points per minute (server/query-cost.ts) per API key and per user, in a fixed
 * window that starts at the first request (rate-limiter-flexible's own algorithm), shared by every
 * instance through PostgreSQL.
 */
export class ApiRateLimiter {
  private readonly spent: RateLimiterPostgres;
  /** A caller's concurrent spends, one statement per batch (rate-limit-batch.ts). */
  private readonly batches: SpendBatches;

  constructor(
    client: RateLimitStoreClient,
    private readonly settings: ApiRateLimitSettings,
  ) {
    // Never refuses by itself: the limit differs per key, so the comparison is made here. This counter
    // sees the most traffic, so it is the one that deletes expired rows of the table.
    this.spent = counter(client, 'api_cost', 2_000_000_000, WINDOW_SECONDS, true);
    this.batches = new SpendBatches(this.spent);
  }

  /** The budget of a viewer per minute; 0: unlimited. */
  limitOf(viewer: Viewer): number {
    if (viewer.kind === 'API_KEY') return viewer.rateLimitPerMinute ?? this.settings.apiKeyPerMinute;
    return this.settings.userPerMinute;
  }

  /**
   * Counts the cost of a request; a request that does not fit is refused and its cost given back, so a
   * refused large query does not also lock out the small ones that still fit.
   */
  async spend(viewer: Viewer, cost: number): Promise<RateBudget | undefined> {
    const limit = this.limitOf(viewer);
    if (limit <= 0) return undefined;
    // A request over the whole budget never fits: refused without counting it, so that requests of
    // the same caller in flight meanwhile never see its cost (counted, then given back, it made a
    // concurrent small request look over budget).
    if (cost > limit) return { ...(await this.peek(viewer))!, exceeded: true };
    const { fits, consumed, result } = await this.batches.spend(keyOf(viewer), cost, limit);
    return budget(limit, { consumedPoints: consumed, msBeforeNext: result.msBeforeNext }, !fits);
  }

  /** The budget without spending (responses that never reached execution, e.g. a parse error). */
  async peek(viewer: Viewer): Promise<RateBudget | undefined> {
    const limit = this.limitOf(viewer);
    if (limit <= 0) return undefined;
    const result = await this.spent.get(keyOf(viewer));
    return result
      ? budget(limit, result, false)
      : { limit, remaining: limit, resetSeconds: WINDOW_SECONDS, exceeded: false };
  }
}

function keyOf(viewer: Viewer): string {
  return `${viewer.kind === 'API_KEY' ? 'key' : 'user'}:${viewer.id}`;
}

function budget(
  limit: number,
  result: Pick<RateLimiterRes, 'consumedPoints' | 'msBeforeNext'>,
  exceeded: boolean,
): RateBudget {
  return {
    limit,
    remaining: Math.max(limit - result.consumedPoints, 0),
    resetSeconds: result.msBeforeNext >= 0 ? secondsUntil(result.msBeforeNext) : WINDOW_SECONDS,
    exceeded,
  };
}

/** The limiters of one app; built once per process, state in the `rate_limit` table. */
export interface RateLimits {
  login: LoginThrottle;
  api: ApiRateLimiter;
}

const defaults = new WeakMap<object, RateLimits>();

/**
 * For callers that build a context without an HTTP app (benches driving Apollo in process): the
 * default login throttle, no query cost budgets (those are the HTTP app's, server/http.ts).
 */
export function defaultRateLimits(client: RateLimitStoreClient): RateLimits {
  let limits = defaults.get(client);
  if (!limits) {
    limits = createRateLimits(client, {
      login: DEFAULT_LOGIN_THROTTLE,
      api: { userPerMinute: 0, apiKeyPerMinute: 0 },
    });
    defaults.set(client, limits);
  }
  return limits;
}

export function createRateLimits(
  client: RateLimitStoreClient,
  settings: { login: LoginThrottleSettings; api: ApiRateLimitSettings },
): RateLimits {
  return { login: new LoginThrottle(client, settings.login), api: new ApiRateLimiter(client, settings.api) };
}
