import type { BadInputReason, BadInputRule, ConflictReason } from './error-reasons';

/**
 * Domain errors thrown by services. They carry the GraphQL error code of PRODUCT.md; the one
 * mapping into GraphQLError lives in error-formatter.ts.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INSUFFICIENT_BALANCE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required: send "Authorization: Bearer <token>".') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Your role may not do this.') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super('NOT_FOUND', `${entity} ${id} was not found.`, { entity, id });
  }
}

/** What a CONFLICT carries: always a reason of the closed list (error-reasons.ts), and any figures. */
export type ConflictDetails = { reason: ConflictReason } & Record<string, unknown>;

export class ConflictError extends DomainError {
  constructor(message: string, details: ConflictDetails) {
    super('CONFLICT', message, details);
  }
}

/** What a BAD_USER_INPUT of a domain check carries (InsufficientStockError adds a reason and figures). */
export type BadInputDetails = { field: string; rule: BadInputRule; reason?: BadInputReason } & Record<
  string,
  unknown
>;

/** Bad input: names the field and the rule it broke, so a client can show it next to the field. */
export class BadInputError extends DomainError {
  constructor(field: string, rule: BadInputRule, message: string) {
    super('BAD_USER_INPUT', message, { field, rule } satisfies BadInputDetails);
  }
}

/** An upload past a size limit (HTTP 413): `maxBytes` is the limit that applied to this file. */
export class FileTooLargeError extends DomainError {
  constructor(maxBytes: number, message: string) {
    super('BAD_USER_INPUT', message, { field: 'file', rule: 'maxSize', maxBytes } satisfies BadInputDetails);
  }
}

/** Not enough stored value, points or uses: nothing was posted; `balance` is what there is now. */
export class InsufficientBalanceError extends DomainError {
  constructor(
    accountId: string,
    balance: Record<string, number>,
    requested: Record<string, number>,
    message: string,
  ) {
    super('INSUFFICIENT_BALANCE', message, { accountId, balance, requested });
  }
}

/** The idempotency key was used before with different input. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor(key: string) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      `Idempotency key ${key} was used before with different input: send a new key for a new request.`,
      { idempotencyKey: key },
    );
  }
}

/** Too many attempts or too much work in the window: nothing was done; retry after the given seconds. */
export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number, message: string, details: Record<string, unknown> = {}) {
    super('RATE_LIMITED', message, { ...details, retryAfterSeconds });
  }
}
