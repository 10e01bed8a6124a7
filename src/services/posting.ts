import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LedgerEntry } from '../entities';
import { BadInputError, IdempotencyKeyReusedError } from '../server/errors';
import type { Viewer } from '../server/viewer';

/** The answer of a ledger mutation: the entries it posted (or would post, on a dry run). */
export interface Posting {
  operationId: string;
  entries: LedgerEntry[];
  dryRun: boolean;
}

/** What every ledger mutation takes besides its own input. */
export interface PostingOptions {
  idempotencyKey: string;
  dryRun?: boolean;
}

class DryRunRollback extends Error {
  constructor(readonly entries: LedgerEntry[]) {
    super('dry run');
  }
}

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,100}$/;

/**
 * Runs a ledger operation once per idempotency key, in one transaction.
 *
 * The key is claimed first by inserting its record (operation, hash of the input, operation id). A
 * concurrent request with the same key waits on that row's unique index until the first commits,
 * then finds the record and answers with the entries the first one posted: exactly one posting,
 * the same response. The same key with other input is IDEMPOTENCY_KEY_REUSED. If the first request
 * fails, its claim rolls back with it and a retry runs afresh.
 *
 * A dry run goes through the same code and rolls back: it validates everything, including balances,
 * and returns the would-be entries without posting or claiming the key.
 */
export async function runPosting(
  em: EntityManager,
  viewer: Viewer,
  operation: string,
  input: unknown,
  options: PostingOptions,
  work: (em: EntityManager, operationId: string) => Promise<LedgerEntry[]>,
): Promise<Posting> {
  if (!KEY_PATTERN.test(options.idempotencyKey))
    throw new BadInputError(
      'idempotencyKey',
      'format',
      'idempotencyKey is 8–100 letters, digits, or . _ : - (a UUID per logical request is ideal).',
    );
  const operationId = randomUUID();
  if (options.dryRun) {
    try {
      await em.transactional(async (transaction) => {
        throw new DryRunRollback(inPostingOrder(await work(transaction, operationId)));
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return { operationId, entries: error.entries, dryRun: true };
      throw error;
    }
  }
  const requestHash = createHash('sha256')
    .update(JSON.stringify([operation, input]))
    .digest('hex');
  return em.transactional(async (transaction) => {
    const connection = transaction.getConnection();
    const context = transaction.getTransactionContext();
    const claimed = await connection.execute<{ key: string }[]>(
      `insert into idempotency_record (organization_id, key, operation, request_hash, response)
       values (?, ?, ?, ?, ?) on conflict (organization_id, key) do nothing returning key`,
      [
        viewer.organizationId,
        options.idempotencyKey,
        operation,
        requestHash,
        JSON.stringify({ operationId }),
      ],
      'all',
      context,
    );
    if (claimed.length === 0) {
      const [record] = await connection.execute<
        { request_hash: string; response: { operationId: string } }[]
      >(
        `select request_hash, response from idempotency_record where organization_id = ? and key = ?`,
        [viewer.organizationId, options.idempotencyKey],
        'all',
        context,
      );
      if (record.request_hash !== requestHash) throw new IdempotencyKeyReusedError(options.idempotencyKey);
      const entries = await transaction.find(
        LedgerEntry,
        { operationId: record.response.operationId },
        { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      );
      return { operationId: record.response.operationId, entries, dryRun: false };
    }
    const entries = inPostingOrder(await work(transaction, operationId));
    return { operationId, entries, dryRun: false };
  });
}

/** The order a replay reads them in (created_at, id), so a retry's answer equals the first. */
function inPostingOrder(entries: LedgerEntry[]): LedgerEntry[] {
  return [...entries].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
