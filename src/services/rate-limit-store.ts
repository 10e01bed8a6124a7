import { isIPv4, isIPv6 } from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';

/** The knex instance of the ORM: the limiter borrows a pooled connection per statement and gives it back. */
export type RateLimitStoreClient = ReturnType<ReturnType<EntityManager['getConnection']>['getKnex']>;

/** Created by Migration20261201120000_rate_limits; the limiter never issues DDL (tableCreated). */
export const RATE_LIMIT_TABLE = 'rate_limit';

/**
 * A rate-limiter-flexible counter in the `rate_limit` table, so every instance on the database shares
 * it. Through the ORM's knex pool: same runtime role, same pool limits, nothing extra to close, and
 * its statements are not announced as knex `query` events (they are not per-request read work).
 * `clearExpired` lets one counter delete expired rows every 5 minutes; the others share that work.
 */
export function counter(
  client: RateLimitStoreClient,
  keyPrefix: string,
  points: number,
  durationSeconds: number,
  clearExpired = false,
): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: client,
    storeType: 'knex',
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    clearExpiredByTimeout: clearExpired,
    keyPrefix,
    points,
    duration: durationSeconds,
  });
}

/** A limiter's rejection (over the limit) as opposed to a store error, which is an Error. */
export function isRejection(value: unknown): value is RateLimiterRes {
  return value instanceof RateLimiterRes;
}

export function secondsUntil(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

/**
 * The key of a client address: IPv4 as is, IPv6 by its /64 network (one subscriber usually holds a
 * whole /64, so single IPv6 addresses would be free for the taking). No address: one shared key.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return 'unknown';
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
