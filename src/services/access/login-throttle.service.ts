import { createHash } from 'node:crypto';
import type { RateLimiterPostgres } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../core/errors';
import {
  addressKey,
  counter,
  isRejection,
  secondsUntil,
  type RateLimitStoreClient,
} from './rate-limit-store';

export interface LoginThrottleSettings {
  /** Attempts of one account from one address (since its last success) before waits begin. */
  freeAttempts: number;
  /** The first wait; each further attempt doubles it, up to maxDelaySeconds. */
  firstDelaySeconds: number;
  maxDelaySeconds: number;
  /** Attempts of an account from an address are forgotten this long after the first one. */
  failureWindowSeconds: number;
  /** Failed attempts from one address (any account) per window, then it waits for the window's end. */
  addressMaxFailures: number;
  addressWindowSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = {
  freeAttempts: 5,
  firstDelaySeconds: 30,
  maxDelaySeconds: 900,
  failureWindowSeconds: 86_400,
  addressMaxFailures: 100,
  addressWindowSeconds: 86_400,
};

export interface AdmittedLogin {
  /** The password was right: forget this account's attempts from this address. */
  succeeded(): Promise<void>;
}

/** The email is never stored in the limiter's table, only its hash. */
export function emailHash(normalizedEmail: string): string {
  return createHash('sha256').update(normalizedEmail).digest('hex');
}

/**
 * rate-limiter-flexible's login protection: consecutive attempts by account + address, and failures
 * by address per window. The state is in PostgreSQL, so every instance sees the same counts.
 *
 * Every attempt is counted (atomically) before the password is checked, so parallel requests cannot
 * slip through between a read and a write. After `freeAttempts`, an attempt must take the `gate`: one
 * attempt per wait, the wait doubling per attempt up to the cap. A refused attempt is not counted, so
 * waiting as told always gets the next try. Keyed by account AND address: an attacker elsewhere
 * cannot lock the owner out, and a success resets the owner's own count.
 */
export class LoginThrottle {
  private readonly attempts: RateLimiterPostgres;
  private readonly gate: RateLimiterPostgres;
  private readonly addresses: RateLimiterPostgres;

  constructor(
    client: RateLimitStoreClient,
    private readonly settings: LoginThrottleSettings,
  ) {
    // Counts only; whether an attempt may run is decided below, so the counter itself never refuses.
    this.attempts = counter(client, 'login_attempts', 2_000_000_000, settings.failureWindowSeconds);
    this.gate = counter(client, 'login_gate', 1, settings.maxDelaySeconds);
    this.addresses = counter(
      client,
      'login_address',
      settings.addressMaxFailures,
      settings.addressWindowSeconds,
    );
  }

  /** Refuses with RateLimitedError (before any password is hashed), or admits the attempt. */
  async admit(normalizedEmail: string, address: string | undefined): Promise<AdmittedLogin> {
    const network = addressKey(address);
    const account = `${emailHash(normalizedEmail)}:${network}`;
    try {
      await this.addresses.consume(network);
    } catch (error) {
      if (!isRejection(error)) throw error;
      throw tooMany(error.msBeforeNext, 'from this address');
    }
    const attempt = (await this.attempts.consume(account)).consumedPoints;
    const gated = attempt >= this.settings.freeAttempts;
    if (gated) {
      const wait = Math.min(
        this.settings.firstDelaySeconds * 2 ** (attempt - this.settings.freeAttempts),
        this.settings.maxDelaySeconds,
      );
      try {
        await this.gate.consume(account, 1, { customDuration: wait });
      } catch (error) {
        if (!isRejection(error)) throw error;
        await this.attempts.reward(account);
        await this.addresses.reward(network);
        throw tooMany(error.msBeforeNext, 'for this account from this address');
      }
    }
    return {
      succeeded: async () => {
        await this.attempts.delete(account);
        if (gated) await this.gate.delete(account);
        // Successes do not count against the address: only failures do.
        await this.addresses.reward(network);
      },
    };
  }
}

function tooMany(msBeforeNext: number, scope: string): RateLimitedError {
  const seconds = secondsUntil(msBeforeNext);
  return new RateLimitedError(
    seconds,
    `Too many login attempts ${scope}: retry in ${seconds} seconds. Nothing was checked.`,
  );
}
