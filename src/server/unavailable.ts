import type { ApolloServerPlugin } from '@apollo/server';
import { ConnectionException } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import type { AppContext } from './context';

/** SQLSTATEs and socket errors that mean the database cannot be reached now, not that a query is wrong. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
]);

/**
 * object_not_in_prerequisite_state (55000) is "unavailable" only as the FATAL answer to a new
 * connection: PostgreSQL refuses connections to a database with ALLOW_CONNECTIONS false (maintenance,
 * template0) with it. Raised by a statement (ERROR: currval before nextval in the session, an ALTER on
 * an object in the wrong state …) it is a defect, not an outage: retrying in 5 s cannot help.
 */
const REFUSED_CONNECTION = '55000';

export const RETRY_AFTER_SECONDS = 5;

/** Whether an error (or what it wraps) says the database is down or unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const candidate = current as {
      code?: unknown;
      severity?: unknown;
      name?: unknown;
      message?: unknown;
      previous?: unknown;
      cause?: unknown;
    };
    if (current instanceof ConnectionException) return true;
    if (typeof candidate.code === 'string' && UNAVAILABLE_CODES.has(candidate.code)) return true;
    if (candidate.code === REFUSED_CONNECTION && candidate.severity === 'FATAL') return true;
    if (candidate.name === 'KnexTimeoutError') return true;
    if (
      typeof candidate.message === 'string' &&
      /Connection terminated|connect ECONNREFUSED/.test(candidate.message)
    )
      return true;
    current = candidate.previous ?? candidate.cause;
  }
  return false;
}

/** What a client is told while the database is down: retry later (HTTP 503 with Retry-After). */
export function serviceUnavailable(): GraphQLError {
  return new GraphQLError(
    `The database is not reachable right now; nothing was changed. Retry in ${RETRY_AFTER_SECONDS} seconds.`,
    {
      extensions: {
        code: 'SERVICE_UNAVAILABLE',
        retryable: true,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        http: { status: 503, headers: new Map([['retry-after', String(RETRY_AFTER_SECONDS)]]) },
      },
    },
  );
}

/** A response with a SERVICE_UNAVAILABLE error (raised while executing) answers HTTP 503 too. */
export const unavailablePlugin: ApolloServerPlugin<AppContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const body = response.body;
        const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
        if (errors?.some((error) => error.extensions?.code === 'SERVICE_UNAVAILABLE')) {
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        }
      },
    };
  },
};
