import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account, Customer, LedgerEntry, Organization } from '../../entities';
import { AccountKind, LedgerEntryKind } from '../../entities/membership/membership.enums';
import type { Viewer } from '../../core/viewer';
import { lockAccount, post } from './ledger';
import { inTransaction } from '../transaction';

/**
 * The customer's one stored-value or points account, created on first use and locked for the
 * transaction. A partial unique index makes two concurrent first uses create one account.
 */
export async function walletOf(
  em: EntityManager,
  viewer: Viewer,
  customer: Customer,
  kind: AccountKind.STORED_VALUE | AccountKind.POINTS,
): Promise<Account> {
  const connection = em.getConnection();
  const context = em.getTransactionContext();
  await connection.execute(
    `insert into account (id, organization_id, customer_id, kind) values (gen_random_uuid(), ?, ?, ?)
     on conflict (customer_id, kind) where kind in ('STORED_VALUE', 'POINTS') do nothing`,
    [viewer.organizationId, customer.id, kind],
    'run',
    context,
  );
  const [row] = await connection.execute<{ id: string }[]>(
    `select id from account where customer_id = ? and kind = ? and organization_id = ?`,
    [customer.id, kind, viewer.organizationId],
    'all',
    context,
  );
  return lockAccount(em, row.id);
}

/**
 * Points whose expiry passed and that later redemptions have not used up, posted as one EXPIRE entry.
 * Points are spent oldest first, so what lapsed is the lapsed earnings minus everything taken so far.
 */
export async function expireDuePoints(
  em: EntityManager,
  viewer: Viewer,
  operationId: string,
  account: Account,
  now = new Date(),
): Promise<LedgerEntry[]> {
  const [row] = await em.getConnection().execute<{ due: string }[]>(
    `select greatest(0,
       coalesce(sum(units_delta) filter (where units_delta > 0 and expires_at <= ?), 0)
       + coalesce(sum(units_delta) filter (where units_delta < 0), 0)) as due
     from ledger_entry where account_id = ?`,
    [now, account.id],
    'all',
    em.getTransactionContext(),
  );
  const due = Math.min(Number(row.due), account.units);
  if (due <= 0) return [];
  return [
    post(em, viewer, operationId, account, {
      kind: LedgerEntryKind.EXPIRE,
      unitsDelta: -due,
      note: '积分到期',
    }),
  ];
}

/**
 * Writes off lapsed points on every points account of the organization, one EXPIRE entry each, in
 * one transaction (accounts locked in id order, so two runs queue instead of deadlocking). Safe to
 * run again at any time: what lapsed is written off once. Returns the number of points expired.
 */
export async function expireAllPoints(em: EntityManager, viewer: Viewer): Promise<number> {
  return inTransaction(em, async (transaction) => {
    const due = await transaction.getConnection().execute<{ account_id: string }[]>(
      `select e.account_id from ledger_entry e join account a on a.id = e.account_id
       where a.organization_id = ? and a.kind = 'POINTS'
       group by e.account_id
       having coalesce(sum(e.units_delta) filter (where e.units_delta > 0 and e.expires_at <= now()), 0)
            + coalesce(sum(e.units_delta) filter (where e.units_delta < 0), 0) > 0
       order by e.account_id`,
      [viewer.organizationId],
      'all',
      transaction.getTransactionContext(),
    );
    const operationId = randomUUID();
    let expired = 0;
    for (const { account_id: accountId } of due) {
      const account = await lockAccount(transaction, accountId);
      for (const entry of await expireDuePoints(transaction, viewer, operationId, account))
        expired -= entry.unitsDelta;
    }
    return expired;
  });
}

/** When points earned now expire under the organization's setting; undefined: never. */
export function pointsExpiry(organization: Organization, from = Date.now()): Date | undefined {
  return organization.pointsValidityDays
    ? new Date(from + organization.pointsValidityDays * 86_400_000)
    : undefined;
}
