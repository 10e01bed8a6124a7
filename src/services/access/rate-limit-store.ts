import ipaddr from 'ipaddr.js';
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
 * whole /64, so single IPv6 addresses would be free for the taking). IPv4 written as IPv6 (mapped,
 * in any notation, or NAT64's 64:ff9b::/96) is its IPv4 address: such clients would otherwise share
 * one /64 key. No address, or not an address: one shared key. Parsing by ipaddr.js (express's own).
 */
export function addressKey(address: string | undefined): string {
  // ipaddr.js 1 reads a trailing dotted quad only in ::ffff:a.b.c.d: write it as two hex groups.
  const text = address?.replace(/:(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (whole, ...bytes: string[]) => {
    const [a, b, c, d] = bytes.slice(0, 4).map(Number);
    return [a, b, c, d].some((byte) => byte > 255)
      ? whole
      : `:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  });
  if (!text || !ipaddr.isValid(text)) return 'unknown';
  const parsed = ipaddr.parse(text);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const ipv6 = parsed as ipaddr.IPv6;
  if (ipv6.isIPv4MappedAddress()) return ipv6.toIPv4Address().toString();
  const range = ipv6.range();
  if (range === 'rfc6052' || range === 'rfc6145')
    return ipaddr.fromByteArray(ipv6.toByteArray().slice(12)).toString();
  return `${ipv6.parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}
