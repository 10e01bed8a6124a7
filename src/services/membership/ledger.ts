import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Account, LedgerEntry } from '../../entities';
import {
  AccountKind,
  AccountStatus,
  type LedgerEntryKind,
  type PaymentMethod,
} from '../../entities/membership/membership.enums';
import { BadInputError, ConflictError, InsufficientBalanceError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';

/** One movement to post on a locked account. */
export interface Movement {
  kind: LedgerEntryKind;
  principalDelta?: number;
  bonusDelta?: number;
  unitsDelta?: number;
  reverses?: LedgerEntry;
  storeId?: string;
  visitId?: string;
  serviceId?: string;
  amountPaid?: number;
  paymentMethod?: PaymentMethod;
  paymentReference?: string;
  expiresAt?: Date;
  note?: string;
}

const UNIT_NAMES: Record<AccountKind, string> = {
  [AccountKind.STORED_VALUE]: 'stored value',
  [AccountKind.POINTS]: 'points',
  [AccountKind.PUNCH_CARD]: 'uses',
  [AccountKind.COUPON]: 'coupon uses',
};

let lastPostedAt = 0;

/**
 * A strictly increasing timestamp per process: entries of one operation get distinct created_at in
 * the order they were posted, so a replay (ordered by created_at, id) lists them as first answered.
 */
function postingTime(): Date {
  lastPostedAt = Math.max(Date.now(), lastPostedAt + 1);
  return new Date(lastPostedAt);
}

/** Balances as clients see them in errors and payloads. */
export function balanceOf(account: Account): Record<string, number> {
  return account.kind === AccountKind.STORED_VALUE
    ? { principal: account.principal, bonus: account.bonus, total: account.principal + account.bonus }
    : { units: account.units };
}

/**
 * Locks an account row for the rest of the transaction (SELECT … FOR UPDATE), so postings on one
 * account run one after the other and every check below sees the balance it changes. The entry then
 * takes FOR KEY SHARE on the customer (the foreign key): whoever locks a customer while it may wait
 * for an account (checkout) takes FOR NO KEY UPDATE, which does not block that, or the two deadlock.
 */
export async function lockAccount(em: EntityManager, accountId: string): Promise<Account> {
  const account = await em.findOne(
    Account,
    { id: accountId },
    { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
  );
  if (!account) throw new NotFoundError('Account', accountId);
  return account;
}

/** Refuses to take from a frozen or expired account. */
export function assertUsable(account: Account, now = new Date()): void {
  if (account.status === AccountStatus.FROZEN)
    throw new ConflictError('The account is frozen (冻结): unfreeze it first.', {
      reason: 'FROZEN',
      accountId: account.id,
    });
  if (account.validUntil && account.validUntil <= now)
    throw new ConflictError(`The card expired on ${account.validUntil.toISOString()}.`, {
      reason: 'EXPIRED',
      accountId: account.id,
    });
}

/**
 * Appends one entry and moves the cached balances with it. The caller holds the account's row lock
 * (lockAccount); a balance that would go below zero fails with INSUFFICIENT_BALANCE and, as the
 * whole transaction rolls back, nothing of the request is posted. CHECK constraints back this up.
 */
export function post(
  em: EntityManager,
  viewer: Viewer,
  operationId: string,
  account: Account,
  movement: Movement,
): LedgerEntry {
  const principalDelta = movement.principalDelta ?? 0;
  const bonusDelta = movement.bonusDelta ?? 0;
  const unitsDelta = movement.unitsDelta ?? 0;
  if (principalDelta === 0 && bonusDelta === 0 && unitsDelta === 0)
    throw new BadInputError('amount', 'positive', 'Nothing to post: the amount is zero.');
  const after = {
    principal: account.principal + principalDelta,
    bonus: account.bonus + bonusDelta,
    units: account.units + unitsDelta,
  };
  if (after.principal < 0 || after.bonus < 0 || after.units < 0)
    throw new InsufficientBalanceError(
      account.id,
      balanceOf(account),
      account.kind === AccountKind.STORED_VALUE
        ? { total: -(principalDelta + bonusDelta) }
        : { units: -unitsDelta },
      `Not enough ${UNIT_NAMES[account.kind]} on the account: nothing was posted.`,
    );
  account.principal = after.principal;
  account.bonus = after.bonus;
  account.units = after.units;
  return em.create(LedgerEntry, {
    organization: viewer.organizationId,
    account,
    customer: account.customer,
    kind: movement.kind,
    principalDelta,
    bonusDelta,
    unitsDelta,
    principalAfter: after.principal,
    bonusAfter: after.bonus,
    unitsAfter: after.units,
    reverses: movement.reverses,
    operationId,
    storeId: movement.storeId,
    visitId: movement.visitId,
    serviceId: movement.serviceId,
    amountPaid: movement.amountPaid,
    paymentMethod: movement.paymentMethod,
    paymentReference: movement.paymentReference,
    expiresAt: movement.expiresAt,
    note: movement.note,
    recordedByUserId: viewer.userId,
    recordedByApiKeyId: viewer.apiKeyId,
    createdAt: postingTime(),
  });
}
