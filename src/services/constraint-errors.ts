import { OptimisticLockError } from '@mikro-orm/core';
import { BadInputError, ConflictError, type DomainError } from '../core/errors';
import type { ConflictReason } from '../core/error-reasons';

/**
 * The one place where PostgreSQL's integrity constraint violations (SQLSTATE class 23) become domain
 * errors. The database decides (two concurrent writes cannot both win, a NOT NULL holds whatever the
 * code did); this module only words the refusal. A service names the constraints it expects with
 * rules; the error formatter asks the same module about whatever no service worded.
 */

/** A constraint (unique index, exclusion, check, foreign key) answered as CONFLICT when a write hits it. */
export interface UniqueRule {
  /** Name of the PostgreSQL constraint, e.g. `room_store_id_name_unique`. */
  constraint: string;
  /** The input field to blame, when one is. */
  field?: string;
  reason: ConflictReason;
  message: string;
}

/** A constraint whose violation means something else than CONFLICT (a kept idempotency key). */
export interface RefusalRule {
  constraint: string;
  error: () => DomainError;
}

export type ConstraintRule = UniqueRule | RefusalRule;

/**
 * Constraints worded wherever they are hit, whichever service wrote: an erased customer's record is
 * guarded by a trigger (Migration20261202140000_customer_erasure) that every write path may meet.
 */
const EVERYWHERE: readonly UniqueRule[] = [
  {
    constraint: 'customer_erased',
    reason: 'ERASED',
    message: "The customer's personal data was erased: the record cannot be changed.",
  },
];

/** What PostgreSQL reports with a violation (pg's fields, kept by MikroORM's DriverException). */
interface Violation {
  code?: unknown;
  constraint?: unknown;
  column?: unknown;
  message?: unknown;
}

const UNIQUE_VIOLATION = '23505';
const NOT_NULL_VIOLATION = '23502';
/** Violations that name the constraint they broke: unique, exclusion, foreign key, check. */
const NAMED_VIOLATIONS = new Set([UNIQUE_VIOLATION, '23P01', '23503', '23514']);

/**
 * The domain error for a constraint violation, or undefined when it is none this module words.
 * A named constraint is looked up in the rules; a NOT NULL is always BAD_USER_INPUT naming the field
 * (a client's explicit null reached a column that needs a value: never the server's failure).
 * Unmatched unique, check and foreign-key violations stay unworded: an unknown one may be a defect.
 */
export function constraintErrorOf(
  error: unknown,
  rules: readonly ConstraintRule[] = [],
): DomainError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { code, constraint, column, message } = error as Violation;
  if (typeof code !== 'string') return undefined;
  if (code === NOT_NULL_VIOLATION) {
    const field = typeof column === 'string' ? fieldOf(column) : 'input';
    return new BadInputError(field, 'required', `${field} needs a value: send one instead of null.`);
  }
  if (!NAMED_VIOLATIONS.has(code)) return undefined;
  // Without a constraint name (not sent by every path), the message still names it.
  const name = String(constraint ?? message ?? '');
  const rule = [...rules, ...EVERYWHERE].find((candidate) => name.includes(candidate.constraint));
  if (!rule) return undefined;
  if ('error' in rule) return rule.error();
  return new ConflictError(rule.message, {
    ...(rule.field ? { field: rule.field } : {}),
    reason: rule.reason,
  });
}

/**
 * Runs a write and words the violations its rules name (and any NOT NULL); every other error passes
 * unchanged, so an outer handler with its own rules still sees the original.
 */
export async function withConstraintRules<T>(
  rules: readonly ConstraintRule[],
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw constraintErrorOf(error, rules) ?? error;
  }
}

/**
 * Like withConstraintRules, for the writes of one record: an optimistic-lock failure is CONFLICT
 * STALE_VERSION and a unique violation no rule names is CONFLICT DUPLICATE.
 */
export async function withUniqueConflicts<T>(
  rules: readonly ConstraintRule[],
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OptimisticLockError)
      throw new ConflictError('The record was changed by someone else meanwhile: reload and retry.', {
        reason: 'STALE_VERSION',
      });
    const worded = constraintErrorOf(error, rules);
    if (worded) throw worded;
    if ((error as Violation | undefined)?.code === UNIQUE_VIOLATION)
      throw new ConflictError('This change conflicts with an existing record.', { reason: 'DUPLICATE' });
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

/** The input field of a column: MikroORM's naming maps `onset_date` ← onsetDate and `store_id` ← store. */
function fieldOf(column: string): string {
  return column.replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
}
