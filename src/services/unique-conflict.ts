import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { ConflictError } from '../server/errors';

/** A unique constraint of the database and how to tell the client it was hit. */
export interface UniqueRule {
  /** Name of the PostgreSQL constraint, e.g. `room_store_id_name_unique`. */
  constraint: string;
  /** The input field to blame, when one is. */
  field?: string;
  reason: string;
  message: string;
}

/**
 * Runs a write and turns the database's unique violations and optimistic-lock failures into CONFLICT
 * errors. The database decides uniqueness (two concurrent creates cannot both win); this only words it.
 */
export async function withUniqueConflicts<T>(rules: UniqueRule[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OptimisticLockError)
      throw new ConflictError('The record was changed by someone else meanwhile: reload and retry.', {
        reason: 'STALE_VERSION',
      });
    if (error instanceof UniqueConstraintViolationException) {
      const constraint = String((error as { constraint?: string }).constraint ?? error.message);
      const rule = rules.find((candidate) => constraint.includes(candidate.constraint));
      if (rule)
        throw new ConflictError(rule.message, {
          ...(rule.field ? { field: rule.field } : {}),
          reason: rule.reason,
        });
      throw new ConflictError('This change conflicts with an existing record.', { reason: 'DUPLICATE' });
    }
    throw error;
  }
}

/** CONFLICT reason STALE_VERSION when the client's expectedVersion is not the current one. */
export function assertVersion(entity: string, current: number, expected: number | undefined): void {
  if (expected !== undefined && current !== expected)
    throw new ConflictError(
      `${entity} was changed by someone else (version ${current}, you sent ${expected}): reload and retry.`,
      { reason: 'STALE_VERSION', currentVersion: current },
    );
}
