import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/postgresql';

/** deadlock_detected, serialization_failure: PostgreSQL rolled the transaction back; running it again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);

export interface TransactionOptions {
  /** Runs in all, the first included (default 4). */
  attempts?: number;
}

/**
 * Runs `work` in one transaction and runs it again, from a fresh unit of work, when PostgreSQL
 * aborted it as a deadlock victim or for a serialization failure: the other transaction went on,
 * and a second attempt mostly finds the way clear (or now sees what it clashed with, and answers
 * CONFLICT). Bounded, with a jittered pause, so that contenders do not collide again in step.
 *
 * The unit of work starts empty on every attempt (`clear`): an attempt that failed changed entities
 * in memory, and a retry must read them afresh. Inside an outer transaction it only nests: a deadlock
 * aborts the outer transaction too, which must then be retried as a whole.
 */
export async function inTransaction<T>(
  em: EntityManager,
  work: (em: EntityManager) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  if (em.isInTransaction()) return em.transactional(work);
  const attempts = options.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      return await em.transactional(work, { clear: true });
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await sleep(pauseBefore(attempt));
    }
  }
}

/** Whether the database rolled the transaction back for a reason a retry can overcome. */
export function isRetryable(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && RETRYABLE.has(code);
}

/** Full jitter over a window that doubles per attempt: 0–25 ms, 0–50 ms, 0–100 ms … */
function pauseBefore(attempt: number): number {
  return Math.random() * 25 * 2 ** (attempt - 1);
}
