import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, IdempotencyKeyReusedError } from '../core/errors';
import type { Viewer } from '../core/viewer';
import { withConstraintRules, type ConstraintRule } from './constraint-errors';
import { inTransaction } from './transaction';

/** A mutation that may be sent again with the same idempotency key. */
export interface IdempotentRequest {
  /** The mutation's name: a key used for one operation is refused for any other. */
  operation: string;
  /** Absent: nothing to replay, the mutation simply runs (bookings and visits make the key optional). */
  key?: string;
  /** What a retry must repeat exactly: the input without the key and the dry-run switch. */
  input: unknown;
  dryRun?: boolean;
  /**
   * The unique constraint of a row that keeps the key after its record is purged (appointment,
   * visit): a key sent again after that fails there, and is refused as reused.
   */
  keptOn?: string;
}

/** How to run the mutation, what to keep of its answer, and how to give that answer again. */
export interface IdempotentSteps<T, Kept> {
  /** The mutation, inside the transaction that also holds the key. */
  run(em: EntityManager): Promise<T>;
  /** Ids to find the answer again; never health data or secrets (the record is plain JSON). */
  remember(result: T): Kept;
  /** The first answer again, read from what was kept. */
  replay(em: EntityManager, kept: Kept): Promise<T>;
}

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,100}$/;

class DryRunRollback<T> extends Error {
  constructor(readonly result: T) {
    super('dry run');
  }
}

interface KeyRecord {
  request_hash: string;
  response: unknown;
}

/**
 * Runs a mutation once per idempotency key; one design for the ledger, checkout, bookings and visits.
 *
 * The key is claimed first, in the mutation's own transaction, by inserting its `idempotency_record`
 * (operation, SHA-256 of the input). A concurrent duplicate blocks on that row's unique index until
 * the first commits, then finds the record and replays the first answer: one write, one answer. If the
 * first fails, its claim rolls back with it and the duplicate runs afresh. The same key with other
 * input (or another operation) is IDEMPOTENCY_KEY_REUSED.
 *
 * A dry run goes through the same code and rolls back. It answers as the real call would: reused
 * for other input, the first answer for a key already used with this input.
 */
export async function runIdempotent<T, Kept>(
  em: EntityManager,
  viewer: Viewer,
  request: IdempotentRequest,
  steps: IdempotentSteps<T, Kept>,
): Promise<T> {
  const { key } = request;
  if (key !== undefined) assertKeyFormat(key);
  const requestHash = key === undefined ? '' : hashOf(request);
  const earlierAnswer = async (transaction: EntityManager, record: KeyRecord) => {
    if (record.request_hash !== requestHash) throw new IdempotencyKeyReusedError(key!);
    return steps.replay(transaction, record.response as Kept);
  };

  if (request.dryRun) {
    try {
      return await inTransaction(em, async (transaction) => {
        const record = key === undefined ? undefined : await findRecord(transaction, viewer, key);
        if (record) return earlierAnswer(transaction, record);
        throw new DryRunRollback(await steps.run(transaction));
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return error.result as T;
      throw error;
    }
  }
  if (key === undefined) return inTransaction(em, (transaction) => steps.run(transaction));

  return withConstraintRules(keptKeyRules(request), () =>
    inTransaction(em, async (transaction) => {
      const connection = transaction.getConnection();
      const context = transaction.getTransactionContext();
      const claimed = await connection.execute<{ key: string }[]>(
        `insert into idempotency_record (organization_id, key, operation, request_hash, response)
         values (?, ?, ?, ?, '{}') on conflict (organization_id, key) do nothing returning key`,
        [viewer.organizationId, key, request.operation, requestHash],
        'all',
        context,
      );
      if (claimed.length === 0)
        return earlierAnswer(transaction, (await findRecord(transaction, viewer, key))!);
      const result = await steps.run(transaction);
      await connection.execute(
        `update idempotency_record set response = ? where organization_id = ? and key = ?`,
        [JSON.stringify(steps.remember(result)), viewer.organizationId, key],
        'run',
        context,
      );
      return result;
    }),
  );
}

/** The key sent again after its record was purged fails on the row that kept it: refused as reused. */
function keptKeyRules(request: IdempotentRequest): ConstraintRule[] {
  const { keptOn, key } = request;
  return keptOn ? [{ constraint: keptOn, error: () => new IdempotencyKeyReusedError(key!) }] : [];
}

function assertKeyFormat(key: string): void {
  if (!KEY_PATTERN.test(key))
    throw new BadInputError(
      'idempotencyKey',
      'format',
      'idempotencyKey is 8–100 letters, digits, or . _ : - (a UUID per logical request is ideal).',
    );
}

/**
 * The request's fingerprint. Inputs arrive as type-graphql objects whose fields follow the schema's
 * order, and dates serialize as ISO strings, so the same request always hashes the same.
 */
function hashOf(request: IdempotentRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([request.operation, request.input]))
    .digest('hex');
}

async function findRecord(em: EntityManager, viewer: Viewer, key: string): Promise<KeyRecord | undefined> {
  const [record] = await em
    .getConnection()
    .execute<KeyRecord[]>(
      `select request_hash, response from idempotency_record where organization_id = ? and key = ?`,
      [viewer.organizationId, key],
      'all',
      em.getTransactionContext(),
    );
  return record;
}
