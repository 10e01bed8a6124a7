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
