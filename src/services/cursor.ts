import { BadInputError } from '../server/errors';

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

export function pageSize(first: number | undefined, fallback = 20, maximum = 100): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > maximum) {
    throw new BadInputError('first', 'range', `first must be between 0 and ${maximum}.`);
  }
  return size;
}
