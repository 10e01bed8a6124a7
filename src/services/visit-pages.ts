import type { EntityManager } from '@mikro-orm/postgresql';
import { Visit } from '../entities';
import { Role } from '../entities/enums';
import type { ConnectionShape } from '../schema/connection.type';
import { BadInputError } from '../server/errors';
import type { Viewer } from '../server/viewer';
import { decodeCursor, pageSize, toConnection } from './cursor';

export interface VisitPageKey {
  customerId: string;
  first?: number;
  after?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `Customer.visits` for a whole page of customers: one lateral query per distinct page size, and
 * one grouped count when totalCount is asked, whatever the number of customers.
 */
export async function loadVisitPages(
  em: EntityManager,
  viewer: Viewer | null,
  keys: readonly VisitPageKey[],
  counts: (customerId: string) => Promise<number>,
): Promise<ConnectionShape<Visit>[]> {
  if (!viewer)
    return keys.map(() =>
      toConnection<Visit>(
        [],
        0,
        undefined,
        () => null,
        async () => 0,
      ),
    );
  const limits = keys.map((key) => pageSize(key.first));
  const pages = new Map<number, Visit[]>();
  for (const limit of new Set(limits)) {
    const group = keys.map((key, index) => ({ key, index })).filter(({ index }) => limits[index] === limit);
    const cursors = group.map(({ key }) => cursorOf(key.after));
    const therapistOnly = viewer.role === Role.THERAPIST;
    const rows: Record<string, unknown>[] = await em.getConnection().execute(
      `select v.*, k.ord from unnest(?::int[], ?::uuid[], ?::timestamptz[], ?::uuid[])
              as k(ord, customer_id, after_at, after_id)
       cross join lateral (
         select v.* from visit v
          where v.customer_id = k.customer_id and v.organization_id = ?
            and (k.after_at is null or (v.visited_at, v.id) < (k.after_at, k.after_id))
            ${therapistOnly ? 'and exists (select 1 from visit_line l where l.visit_id = v.id and l.therapist_id = ?)' : ''}
          order by v.visited_at desc, v.id desc
          limit ?
       ) v`,
      [
        pgArray(group.map(({ index }) => String(index))),
        pgArray(group.map(({ key }) => key.customerId)),
        pgArray(cursors.map((cursor) => cursor?.at ?? null)),
        pgArray(cursors.map((cursor) => cursor?.id ?? null)),
        viewer.organizationId,
        ...(therapistOnly ? [viewer.userId ?? '00000000-0000-0000-0000-000000000000'] : []),
        limit + 1,
      ],
    );
    for (const row of rows) {
      const { ord, ...columns } = row;
      const visits = pages.get(Number(ord)) ?? [];
      visits.push(em.map(Visit, columns));
      pages.set(Number(ord), visits);
    }
  }
  return keys.map((key, index) =>
    toConnection(
      pages.get(index) ?? [],
      limits[index],
      key.after,
      (node) => node.visitedAt.toISOString(),
      () => counts(key.customerId),
    ),
  );
}

/** Visits per customer that the viewer may see, in one grouped query. */
export async function countVisits(
  em: EntityManager,
  viewer: Viewer | null,
  customerIds: readonly string[],
): Promise<number[]> {
  if (!viewer) return customerIds.map(() => 0);
  const therapistOnly = viewer.role === Role.THERAPIST;
  const rows: { customer_id: string; count: string }[] = await em.getConnection().execute(
    `select v.customer_id, count(*) as count from visit v
      where v.customer_id = any(?::uuid[]) and v.organization_id = ?
        ${therapistOnly ? 'and exists (select 1 from visit_line l where l.visit_id = v.id and l.therapist_id = ?)' : ''}
      group by v.customer_id`,
    [
      pgArray([...customerIds]),
      viewer.organizationId,
      ...(therapistOnly ? [viewer.userId ?? '00000000-0000-0000-0000-000000000000'] : []),
    ],
  );
  const byId = new Map(rows.map((row) => [row.customer_id, Number(row.count)]));
  return customerIds.map((id) => byId.get(id) ?? 0);
}

/** A checked cursor: the values go into an array literal, so only a date and a uuid pass. */
function cursorOf(after: string | undefined): { at: string; id: string } | null {
  if (!after) return null;
  const { sortValue, id } = decodeCursor(after);
  const at = new Date(String(sortValue));
  if (Number.isNaN(at.getTime()) || !UUID.test(id))
    throw new BadInputError(
      'after',
      'cursor',
      'after is not a cursor returned by this list: pass an endCursor unchanged.',
    );
  return { at: at.toISOString(), id };
}

/** A PostgreSQL array literal of values that never contain quotes, commas or backslashes. */
function pgArray(values: (string | null)[]): string {
  return `{${values.map((value) => (value === null ? 'NULL' : `"${value}"`)).join(',')}}`;
}
