import { raw, type EntityName, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConnectionShape } from '../schema/connection.type';
import { decodeCursor, pageSize, toConnection } from './cursor';

/**
 * A Relay page of append-only rows, newest first: keyset on `(created_at, id) < (cursor)`, one index
 * range per page (stock movements, ledger entries). `totalCount` runs only when asked for.
 */
export async function newestFirst<T extends { id: string; createdAt: Date }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: { first?: number; after?: string },
): Promise<ConnectionShape<T>> {
  const limit = pageSize(args.first);
  const page: FilterQuery<T>[] = [where];
  if (args.after) {
    const cursor = decodeCursor(args.after);
    const keyset = raw(
      (alias) => `(${alias}.created_at, ${alias}.id) < (?, ?)`,
      [new Date(String(cursor.sortValue)), cursor.id],
    );
    page.push({ [keyset]: [] } as FilterQuery<T>);
  }
  const rows = await em.find(entity, { $and: page } as FilterQuery<T>, {
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] as never,
    limit: limit + 1,
  });
  return toConnection(
    rows,
    limit,
    args.after,
    (node) => node.createdAt.toISOString(),
    () => em.count(entity, where),
  );
}
