import type { EntityManager } from '@mikro-orm/postgresql';
import { Account, type Customer, type LedgerEntry } from '../../entities';
import { AccountKind, LedgerEntryKind } from '../../entities/membership/membership.enums';
import type { Viewer } from '../../core/viewer';
import { post } from '../membership/ledger';
import { expireDuePoints, walletOf } from '../membership/wallets';

/**
 * Moves every balance of the merged customer to the survivor as TRANSFER entries, never by editing a
 * balance: one entry out of each merged account with something on it, one (or, for points, one per
 * expiry date) into the survivor's. Stored value keeps 本金 and 赠送 apart; punch cards and coupons
 * become new accounts of the survivor with the same card product, validity and freeze. Both customers'
 * accounts are locked first, in id order, like every multi-account posting.
 */
export async function transferBalances(
  em: EntityManager,
  viewer: Viewer,
  operationId: string,
  survivor: Customer,
  merged: Customer,
): Promise<LedgerEntry[]> {
  await em
    .getConnection()
    .execute(
      `select id from account where customer_id in (?, ?) and organization_id = ? order by id for update`,
      [survivor.id, merged.id, viewer.organizationId],
      'all',
      em.getTransactionContext(),
    );
  const accounts = await em.find(
    Account,
    { customer: merged.id },
    { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], refresh: true },
  );
  const note = `合并客户 ${merged.code} → ${survivor.code}`;
  const transfer = { kind: LedgerEntryKind.TRANSFER, note };
  const entries: LedgerEntry[] = [];
  for (const from of accounts) {
    if (from.kind === AccountKind.POINTS)
      entries.push(...(await expireDuePoints(em, viewer, operationId, from)));
    if (from.principal === 0 && from.bonus === 0 && from.units === 0) continue;
    if (from.kind === AccountKind.STORED_VALUE) {
      const to = await walletOf(em, viewer, survivor, AccountKind.STORED_VALUE);
      const { principal, bonus } = from;
      entries.push(
        post(em, viewer, operationId, from, { ...transfer, principalDelta: -principal, bonusDelta: -bonus }),
      );
      entries.push(
        post(em, viewer, operationId, to, { ...transfer, principalDelta: principal, bonusDelta: bonus }),
      );
    } else if (from.kind === AccountKind.POINTS) {
      // The EXPIRE entry just posted must be in the history the buckets are read from.
      await em.flush();
      const buckets = await pointsByExpiry(em, from);
      const to = await walletOf(em, viewer, survivor, AccountKind.POINTS);
      entries.push(post(em, viewer, operationId, from, { ...transfer, unitsDelta: -from.units }));
      for (const bucket of buckets)
        entries.push(
          post(em, viewer, operationId, to, {
            ...transfer,
            unitsDelta: bucket.units,
            expiresAt: bucket.expiresAt,
          }),
        );
    } else {
      const to = em.create(Account, {
        organization: viewer.organizationId,
        customer: survivor,
        kind: from.kind,
        cardProduct: from.cardProduct,
        status: from.status,
        validityDays: from.validityDays,
        startsOnFirstUse: from.startsOnFirstUse,
        validUntil: from.validUntil,
        firstUsedAt: from.firstUsedAt,
        frozenAt: from.frozenAt,
      });
      const units = from.units;
      entries.push(post(em, viewer, operationId, from, { ...transfer, unitsDelta: -units }));
      entries.push(post(em, viewer, operationId, to, { ...transfer, unitsDelta: units }));
    }
  }
  return entries;
}

/**
 * What is left of each earning, points being spent oldest expiry first (as expiry reads them), so
 * the survivor's points lapse when they would have. If the history does not add up to the balance
 * (nothing posted through the API leaves it so), the balance moves as one bucket without expiry.
 */
async function pointsByExpiry(
  em: EntityManager,
  account: Account,
): Promise<{ units: number; expiresAt?: Date }[]> {
  const rows = await em
    .getConnection()
    .execute<{ units_delta: number; expires_at: Date | null }[]>(
      `select units_delta, expires_at from ledger_entry where account_id = ? order by expires_at asc nulls last, created_at asc, id asc`,
      [account.id],
      'all',
      em.getTransactionContext(),
    );
  let taken = -rows.reduce((sum, row) => sum + Math.min(0, Number(row.units_delta)), 0);
  const buckets = new Map<number | null, number>();
  for (const row of rows) {
    const units = Number(row.units_delta);
    if (units <= 0) continue;
    const used = Math.min(units, taken);
    taken -= used;
    if (units - used === 0) continue;
    const key = row.expires_at ? new Date(row.expires_at).getTime() : null;
    buckets.set(key, (buckets.get(key) ?? 0) + units - used);
  }
  const total = [...buckets.values()].reduce((sum, units) => sum + units, 0);
  if (total !== account.units) return [{ units: account.units }];
  return [...buckets.entries()].map(([at, units]) => ({
    units,
    expiresAt: at === null ? undefined : new Date(at),
  }));
}
