import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConnectionShape } from '../../core/paging/connection';
import type { Viewer } from '../../core/viewer';
import { decodeTimeCursor, pageSize, toConnection } from '../../core/paging/cursor';
import { rowShape, selectList, type RowOf, type RowShape } from '../rows';
import { runPrepared } from '../sql';

/** One nested page asked for: `Customer.visits(first, after)` of one customer. */
export interface ChildPageKey {
  parentId: string;
  first?: number;
  after?: string;
}

/** A list of rows per parent, newest first by a timestamp column, e.g. visits of a customer. */
export interface ChildList<T> {
  entity: new () => T;
  table: string;
  parentColumn: string;
  /** A timestamptz column; pages go newest first by (column, id). */
  orderColumn: string;
  sortValueOf: (row: RowOf<T>) => Date;
  /** Extra SQL condition on alias `t` for this viewer (e.g. a therapist's own rows), with params. */
  scope: (viewer: Viewer) => { sql: string; params: unknown[] };
}

/** Children of each row fetched in the page's own statement (e.g. a visit's lines), as json. */
export interface Embedded<T> {
  /** A json expression on the page row `t`. */
  sql: string;
  take: (row: RowOf<T>, json: unknown) => void;
}

/**
 * Nested connections for a whole page of parents: one lateral query per distinct page size, so a
 * list of customers with their visits costs the same statements for 2 or 100 customers.
 */
export async function loadChildPages<T extends { id: string }>(
  em: EntityManager,
  viewer: Viewer | null,
  list: ChildList<T>,
  keys: readonly ChildPageKey[],
  count: (parentId: string) => Promise<number>,
  embedded?: Embedded<T>,
  /** The columns read (the response's selection); every column when not given. */
  shape: RowShape<T> = rowShape(em, list.entity),
): Promise<ConnectionShape<RowOf<T>>[]> {
  const limits = keys.map((key) => pageSize(key.first));
  const pages = new Map<number, RowOf<T>[]>();
  for (const limit of viewer ? new Set(limits) : []) {
    const group = keys.map((key, index) => ({ key, index })).filter(({ index }) => limits[index] === limit);
    const cursors = group.map(({ key }) => cursorOf(key.after));
    const scope = list.scope(viewer!);
    const rows: Record<string, unknown>[] = await runPrepared(
      em,
      `select ${selectList(shape, 't')}, k.ord${embedded ? `, ${embedded.sql} as embedded` : ''} from unnest(?::int[], ?::uuid[], ?::timestamptz[], ?::uuid[])
              as k(ord, parent_id, after_at, after_id)
       cross join lateral (
         select t.* from ${list.table} t
          where t.${list.parentColumn} = k.parent_id and t.organization_id = ?
            and (k.after_at is null or (t.${list.orderColumn}, t.id) < (k.after_at, k.after_id))
            ${scope.sql}
          order by t.${list.orderColumn} desc, t.id desc
          limit ?
       ) t`,
      [
        pgArray(group.map(({ index }) => String(index))),
        pgArray(group.map(({ key }) => key.parentId)),
        pgArray(cursors.map((cursor) => cursor?.at ?? null)),
        pgArray(cursors.map((cursor) => cursor?.id ?? null)),
        viewer!.organizationId,
        ...scope.params,
        limit + 1,
      ],
    );
    for (const raw of rows) {
      const ord = Number(raw.ord);
      const row = shape.map(raw);
      embedded?.take(row, raw.embedded);
      const page = pages.get(ord) ?? [];
      page.push(row);
      pages.set(ord, page);
    }
  }
  return keys.map((key, index) =>
    toConnection(
      pages.get(index) ?? [],
      limits[index],
      key.after,
      (row) => list.sortValueOf(row).toISOString(),
      () => count(key.parentId),
    ),
  );
}

/** Rows per parent that the viewer may see, in one grouped query. */
export async function countChildren<T>(
  em: EntityManager,
  viewer: Viewer | null,
  list: ChildList<T>,
  parentIds: readonly string[],
): Promise<number[]> {
  if (!viewer) return parentIds.map(() => 0);
  const scope = list.scope(viewer);
  const rows: { parent_id: string; count: string }[] = await runPrepared(
    em,
    `select t.${list.parentColumn} as parent_id, count(*) as count from ${list.table} t
      where t.${list.parentColumn} = any(?::uuid[]) and t.organization_id = ? ${scope.sql}
      group by t.${list.parentColumn}`,
    [pgArray([...parentIds]), viewer.organizationId, ...scope.params],
  );
  const byId = new Map(rows.map((row) => [row.parent_id, Number(row.count)]));
  return parentIds.map((id) => byId.get(id) ?? 0);
}

/** A checked cursor: its values go into an array literal, so only a date and a uuid pass. */
export function cursorOf(after: string | undefined): { at: string; id: string } | null {
  if (!after) return null;
  const { at, id } = decodeTimeCursor(after);
  return { at: at.toISOString(), id };
}

/** A PostgreSQL array literal of values that never contain quotes, commas or backslashes. */
function pgArray(values: (string | null)[]): string {
  return `{${values.map((value) => (value === null ? 'NULL' : `"${value}"`)).join(',')}}`;
}
