import { lazy, type ConnectionShape } from './connection';
import { BadInputError } from '../errors';
import { isUuid } from '../uuid';

/** Opaque keyset cursors: the sort value and id of the last row seen. */
export function encodeCursor(sortValue: string | number | null, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { sortValue: string | number | null; id: string } {
  try {
    const [sortValue, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      string | number | null,
      string,
    ];
    if (typeof id !== 'string') throw new Error('no id');
    return { sortValue, id };
  } catch {
    throw new BadInputError(
      'after',
      'cursor',
      'after is not a cursor returned by this list: pass an endCursor unchanged.',
    );
  }
}

/**
 * The cursor of a list in time order, checked: a valid instant and a row id (a forged cursor with a
 * date PostgreSQL cannot read answered INTERNAL_SERVER_ERROR).
 */
export function decodeTimeCursor(cursor: string): { at: Date; id: string } {
  const { sortValue, id } = decodeCursor(cursor);
  const at = new Date(String(sortValue));
  if (Number.isNaN(at.getTime()) || !isUuid(id))
    throw new BadInputError(
      'after',
      'cursor',
      'after is not a cursor returned by this list: pass an endCursor unchanged.',
    );
  return { at, id };
}

export function pageSize(first: number | undefined, fallback = 20, maximum = 100): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > maximum) {
    throw new BadInputError('first', 'range', `first must be between 0 and ${maximum}.`);
  }
  return size;
}

/**
 * A Relay connection from `limit + 1` fetched rows: the extra row only tells that a next page exists.
 * `count` runs only when totalCount is selected.
 */
export function toConnection<TNode extends { id: string }>(
  rows: TNode[],
  limit: number,
  after: string | undefined,
  sortValueOf: (node: TNode) => string | number | null,
  count: () => Promise<number>,
): ConnectionShape<TNode> {
  const edges = rows
    .slice(0, limit)
    .map((node) => ({ node, cursor: encodeCursor(sortValueOf(node), node.id) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: lazy(count),
  };
}
