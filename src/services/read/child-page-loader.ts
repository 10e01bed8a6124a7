import DataLoader from 'dataloader';
import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConnectionShape } from '../../core/paging/connection';
import { loadChildPages, type ChildList, type ChildPageKey, type Embedded } from './child-pages';
import type { RowOf } from '../rows';
import { readShape } from './read-shapes';
import type { SelectionByType } from './selection';
import { jsonRow, type RowLoaders } from './row-loaders';
import type { Companion } from './companions';
import { cursorOf } from './child-pages';
import { pageSize, toConnection } from '../../core/paging/cursor';
import type { Viewer } from '../../core/viewer';

/**
 * Rows that belong to each row of a page (a visit's lines, an appointment's items) with the rows they
 * name (service, therapist, room), fetched as json in the page's own statement when the response
 * selects `field` on the page's nodes.
 */
export interface PartsOf {
  /** The GraphQL field on the page's node that lists the parts, e.g. `lines`. */
  field: string;
  entity: EntityClass<object>;
  /** The parts' many-to-one to the page row, e.g. `visit`. */
  parentProperty: string;
  /** The order of the parts, the same string their own loader uses (a primed loader must be it). */
  order: string;
  /** Many-to-ones of a part whose rows come along (one join each). */
  references: { property: string; entity: EntityClass<object> }[];
}

/**
 * Nested pages (`Customer.visits`, `Customer.appointments`) for a page of parents in one statement,
 * and with their parts when selected (look-ahead by the resolver, `want`), primed into the row loaders
 * the part resolvers read. The parts' fields still run their own rules.
 */
export class ChildPageLoader<T extends { id: string }> {
  private withParts = false;
  readonly pages: DataLoader<ChildPageKey, ConnectionShape<RowOf<T>>, string>;

  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer | null,
    private readonly rows: RowLoaders,
    private readonly list: ChildList<T>,
    private readonly parts: PartsOf | undefined,
    private readonly count: (parentId: string) => Promise<number>,
    cacheKeyFn: (key: ChildPageKey) => string,
    /** Primed with each parent's count when a companion brings it along. */
    private readonly counts?: DataLoader<string, number>,
    /** The query's fields by type once known: only the columns selected are read. */
    private readonly selection: () => SelectionByType | undefined = () => undefined,
  ) {
    this.pages = new DataLoader(
      (keys) =>
        loadChildPages(
          em,
          viewer,
          list,
          keys,
          count,
          this.withParts ? this.embedParts() : undefined,
          readShape(em, list.entity, selection()),
        ),
      { cacheKeyFn },
    );
  }

  /** Fields selected on the page's nodes. */
  want(fields: Set<string>): this {
    if (this.parts && fields.has(this.parts.field)) this.withParts = true;
    return this;
  }

  /**
   * The page `{ first, after }` of each parent row (with the parts when `nodeFields` has them, and
   * the count when `withCount`), fetched in the parents' own statement and primed into `pages`
   * under the key the field resolver asks with.
   */
  companions(
    page: { first?: number; after?: string },
    nodeFields: Set<string>,
    withCount: boolean,
  ): Companion[] {
    if (!this.viewer) return [];
    const { list } = this;
    const limit = pageSize(page.first);
    const cursor = cursorOf(page.after);
    const embedded = this.parts && nodeFields.has(this.parts.field) ? this.embedParts() : undefined;
    const shape = readShape<T>(this.em, list.entity, this.selection());
    const scope = list.scope(this.viewer);
    const order = `t.${list.orderColumn} desc, t.id desc`;
    const companions: Companion[] = [
      {
        sql: `(select coalesce(json_agg(json_build_object('row', ${jsonRow(shape, 't')}${
          embedded ? `, 'embedded', ${embedded.sql}` : ''
        }) order by ${order}), '[]'::json)
                 from (select t.* from ${list.table} t
                        where t.${list.parentColumn} = p.id and t.organization_id = ?
                          ${cursor ? `and (t.${list.orderColumn}, t.id) < (?::timestamptz, ?::uuid)` : ''}
                          ${scope.sql}
                        order by ${order} limit ?) t)`,
        params: [
          this.viewer.organizationId,
          ...(cursor ? [cursor.at, cursor.id] : []),
          ...scope.params,
          limit + 1,
        ],
        take: (parentId, value) => {
          const rows: RowOf<T>[] = (value as { row: Record<string, unknown>; embedded?: unknown }[]).map(
            (entry) => {
              const row = shape.map(entry.row);
              embedded?.take(row, entry.embedded);
              return row;
            },
          );
          this.pages.prime(
            { parentId, first: page.first, after: page.after },
            toConnection<RowOf<T>>(
              rows,
              limit,
              page.after,
              (row) => list.sortValueOf(row).toISOString(),
              () => this.count(parentId),
            ),
          );
        },
      },
    ];
    if (withCount && this.counts) {
      const counts = this.counts;
      companions.push({
        sql: `(select count(*) from ${list.table} t
                where t.${list.parentColumn} = p.id and t.organization_id = ? ${scope.sql})`,
        params: [this.viewer.organizationId, ...scope.params],
        take: (parentId, value) => counts.prime(parentId, Number(value)),
      });
    }
    return companions;
  }

  private embedParts(): Embedded<T> {
    const { entity, parentProperty, order, references } = this.parts!;
    const shape = readShape(this.em, entity, this.selection());
    const targets = references.map((reference, index) => ({
      ...reference,
      alias: `r${index}`,
      column: shape.columnOf(reference.property),
      shape: readShape(this.em, reference.entity, this.selection()),
      loader: this.rows.byId(reference.entity),
      seen: new Set<string>(),
    }));
    const partsLoader = this.rows.byParent(entity, parentProperty, order);
    const objects = [
      `'part', ${jsonRow(shape, 'p')}`,
      ...targets.map((t) => `'${t.alias}', ${jsonRow(t.shape, t.alias)}`),
    ];
    const joins = targets.map(
      (t) =>
        `left join "${t.shape.table}" ${t.alias} on ${t.alias}.id = p."${t.column}" and ${t.alias}.organization_id = p.organization_id`,
    );
    return {
      sql: `(select coalesce(json_agg(json_build_object(${objects.join(', ')}) order by ${order.replace(/\bt\./g, 'p.')}), '[]'::json)
               from "${shape.table}" p ${joins.join(' ')}
              where p."${shape.columnOf(parentProperty)}" = t.id and p.organization_id = t.organization_id)`,
      take: (row, json) => {
        const embedded = json as Record<string, Record<string, unknown>>[];
        partsLoader.prime(
          row.id,
          embedded.map((entry) => {
            // A page names the same few services and staff again and again: map each once.
            for (const target of targets) {
              const referenced = entry[target.alias];
              const id = referenced.id ? String(referenced.id) : undefined;
              if (id && !target.seen.has(id)) {
                target.seen.add(id);
                target.loader.prime(id, target.shape.map(referenced));
              }
            }
            return shape.map(entry.part);
          }),
        );
      },
    };
  }
}
