import type { EntityManager } from '@mikro-orm/postgresql';

/** What a lock serializes, per organization: the care schedule (and complaint changes), rule tags. */
export type LockScope = 'care-schedule' | 'tag-rules';

/** Holds a transaction-scoped advisory lock on `scope` for one organization until the transaction ends. */
export async function lockOrganization(
  em: EntityManager,
  scope: LockScope,
  organizationId: string,
): Promise<void> {
  await em
    .getConnection()
    .execute(
      `select pg_advisory_xact_lock(hashtext(?), hashtext(?))`,
      [scope, organizationId],
      'all',
      em.getTransactionContext(),
    );
}
