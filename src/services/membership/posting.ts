import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LedgerEntry } from '../../entities';
import type { Viewer } from '../../core/viewer';
import { runIdempotent } from '../idempotency';

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

/**
 * Runs a ledger operation once per idempotency key, in one transaction (`runIdempotent`): a retry
 * or a concurrent duplicate answers with the entries the first one posted, found by its operation
 * id. A dry run validates everything, balances included, and returns the would-be entries without
 * posting or claiming the key.
 */
export function runPosting(
  em: EntityManager,
  viewer: Viewer,
  operation: string,
  input: unknown,
  options: PostingOptions,
  work: (em: EntityManager, operationId: string) => Promise<LedgerEntry[]>,
): Promise<Posting> {
  return runPostingWith(em, viewer, operation, input, options, {
    work: async (transaction, operationId) => ({ entries: await work(transaction, operationId) }),
    replay: async () => ({}),
  });
}

/** An operation whose answer carries more than its entries (a checkout's settlement). */
export interface PostingSteps<Extra extends object> {
  /** The operation: its entries and the rest of its answer. */
  work(em: EntityManager, operationId: string): Promise<Extra & { entries: LedgerEntry[] }>;
  /** The rest of the first answer again, found by its operation id (the entries are found for it). */
  replay(em: EntityManager, operationId: string): Promise<Extra>;
}

/** `runPosting` for an operation that answers more than entries. */
export async function runPostingWith<Extra extends object>(
  em: EntityManager,
  viewer: Viewer,
  operation: string,
  input: unknown,
  options: PostingOptions,
  steps: PostingSteps<Extra>,
): Promise<Posting & Extra> {
  const operationId = randomUUID();
  const dryRun = Boolean(options.dryRun);
  return runIdempotent<Posting & Extra, { operationId: string }>(
    em,
    viewer,
    { operation, key: options.idempotencyKey, input, dryRun },
    {
      run: async (transaction) => {
        const { entries, ...rest } = await steps.work(transaction, operationId);
        return { ...(rest as Extra), operationId, entries: inPostingOrder(entries), dryRun };
      },
      remember: (posting) => ({ operationId: posting.operationId }),
      replay: async (transaction, kept) => ({
        ...(await steps.replay(transaction, kept.operationId)),
        operationId: kept.operationId,
        entries: await postedEntries(transaction, kept.operationId),
        dryRun,
      }),
    },
  );
}

/** The entries an operation posted, in the order it answered them. */
export function postedEntries(em: EntityManager, operationId: string): Promise<LedgerEntry[]> {
  return em.find(LedgerEntry, { operationId }, { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/** The order a replay reads them in (created_at, id), so a retry's answer equals the first. */
export function inPostingOrder(entries: LedgerEntry[]): LedgerEntry[] {
  return [...entries].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
