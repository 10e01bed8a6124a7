import { raw, type EntityName, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConnectionShape } from '../schema/connection.type';
import { decodeCursor, pageSize, toConnection } from './cursor';

/** A non-null timestamp property to page by, with its column and direction. */
export interface TimeOrder<T> {
  property: keyof T & string;
  column: string;
  direction: 'asc' | 'desc';
}

/**
 * A Relay page keyset-ordered by `(timestamp, id)`: one index range per page. `totalCount` runs only
 * when asked for.
 */
export async function pageByTime<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: { first?: number; after?: string },
  order: TimeOrder<T>,
): Promise<ConnectionShape<T>> {
  const limit = pageSize(args.first);
  const page: FilterQuery<T>[] = [where];
  if (args.after) {
    const cursor = decodeCursor(args.after);
    const comparison = order.direction === 'desc' ? '<' : '>';
    const keyset = raw(
      (alias) => `(${alias}.${order.column}, ${alias}.id) ${comparison} (?, ?)`,
      [new Date(String(cursor.sortValue)), cursor.id],
    );
    page.push({ [keyset]: [] } as FilterQuery<T>);
  }
  const rows = await em.find(entity, { $and: page } as FilterQuery<T>, {
    orderBy: [{ [order.property]: order.direction }, { id: order.direction }] as never,
    limit: limit + 1,
  });
  return toConnection(
    rows,
    limit,
    args.after,
    (node) => (node[order.property] as Date).toISOString(),
    () => em.count(entity, where),
  );
}

/** Append-only rows newest first (stock movements, ledger entries). */
export function newestFirst<T extends { id: string; createdAt: Date }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: { first?: number; after?: string },
): Promise<ConnectionShape<T>> {
  return pageByTime(em, entity, where, args, {
    property: 'createdAt',
    column: 'created_at',
    direction: 'desc',
  });
}
