import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { RateBudget } from '../services/access/rate-limit.service';
import type { AppContext } from './context';
import { isDatabaseUnavailable } from './unavailable';

/** RateLimit-Limit / -Remaining / -Reset of the IETF draft (httpapi-ratelimit-headers): points of query cost. */
function setBudgetHeaders(headers: HeaderMap, budget: RateBudget): void {
  headers.set('ratelimit-limit', String(budget.limit));
  headers.set('ratelimit-remaining', String(budget.remaining));
  headers.set('ratelimit-reset', String(budget.resetSeconds));
}

function refused(cost: number, budget: RateBudget): GraphQLResponse {
  const retryAfterSeconds = budget.resetSeconds;
  const message =
    cost > budget.limit
      ? `This query costs ${cost}, more than the whole budget of ${budget.limit} points per minute: ask for fewer rows.`
      : `This query costs ${cost} and ${budget.remaining} of ${budget.limit} points per minute are left: retry in ${retryAfterSeconds} seconds. Nothing was run.`;
  return {
    http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
    body: {
      kind: 'single',
      singleResult: {
        errors: [
          {
            message,
            extensions: {
              code: 'RATE_LIMITED',
              retryAfterSeconds,
              cost,
              limit: budget.limit,
              remaining: budget.remaining,
            },
          },
        ],
      },
    },
  };
}

/**
 * Spends the operation's query cost from the caller's budget per minute (services/access/rate-limit.service.ts)
 * once the cost is known and before anything runs; an operation that does not fit is answered 429
 * RATE_LIMITED with Retry-After. Every response to an authenticated request carries the budget's
 * RateLimit-* headers, and any RATE_LIMITED answer (a throttled login too) is HTTP 429 with Retry-After.
 * The limiter's store failing lets the request through (logged): its own statements then fail or not.
 * One attempt per request: after a failed spend the response goes without RateLimit-* headers rather
 * than asking the store that just failed again.
 */
export const rateLimitPlugin: ApolloServerPlugin<AppContext> = {
  async requestDidStart() {
    // Per request: the budget was asked for (spent, refused or failed), so there is nothing to peek.
    let spendAttempted = false;
    return {
      async responseForOperation({ contextValue }) {
        const viewer = contextValue.viewer;
        if (!viewer) return null;
        const cost = Math.max(contextValue.queryCost ?? 1, 1);
        spendAttempted = true;
        try {
          contextValue.rateBudget = await contextValue.rateLimits.api.spend(viewer, cost);
        } catch (error) {
          if (isDatabaseUnavailable(error)) contextValue.logger.warn('rate limit store not reachable');
          else contextValue.logger.error({ err: error }, 'rate limit store failed');
          return null;
        }
        return contextValue.rateBudget?.exceeded ? refused(cost, contextValue.rateBudget) : null;
      },
      async willSendResponse({ contextValue, response }) {
        if (contextValue.viewer && !spendAttempted) {
          // Answered before the operation ran (parse error, cost over the limit): the budget as it is.
          try {
            contextValue.rateBudget = await contextValue.rateLimits.api.peek(contextValue.viewer);
          } catch {
            // Headers are informative; a store failure is already logged where it matters.
          }
        }
        if (contextValue.rateBudget) setBudgetHeaders(response.http.headers, contextValue.rateBudget);
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        const waits = (errors ?? [])
          .filter((error) => error.extensions?.code === 'RATE_LIMITED')
          .map((error) => Number(error.extensions?.retryAfterSeconds) || 1);
        if (waits.length > 0) {
          const retryAfterSeconds = Math.max(...waits);
          response.http.status = 429;
          response.http.headers.set('retry-after', String(retryAfterSeconds));
          contextValue.logger.warn({ retryAfterSeconds }, 'request rate limited');
        }
      },
    };
  },
};
