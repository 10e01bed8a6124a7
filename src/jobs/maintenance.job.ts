import type { EntityManager } from '@mikro-orm/postgresql';

/** Idempotency keys are promised for at least 24 hours; a week covers any POS retry queue. */
export const IDEMPOTENCY_RETENTION_DAYS = 7;

/** Removes expired idempotency records (all organizations, one statement); returns how many. */
export async function purgeIdempotencyRecords(em: EntityManager): Promise<number> {
  const result = await em
    .getConnection()
    .execute<{ affectedRows: number }>(
      `delete from idempotency_record where created_at < now() - make_interval(days => ?)`,
      [IDEMPOTENCY_RETENTION_DAYS],
      'run',
    );
  return result.affectedRows;
}

/**
 * Folds each organization's customer_tally delta rows into one (Migration20261207010000_customer_tally):
 * the count stays exact whenever it runs, the rows a page's count sums stay few. Returns how many
 * rows were folded.
 */
export async function compactCustomerTally(em: EntityManager): Promise<number> {
  const [row] = await em
    .getConnection()
    .execute<{ folded: string }[]>(`select customer_tally_compact() as folded`, [], 'all');
  return Number(row.folded);
}
