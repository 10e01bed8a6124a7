import DataLoader from 'dataloader';
import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConnectionShape } from '../schema/connection.type';
import { loadChildPages, type ChildList, type ChildPageKey, type Embedded } from '../services/child-pages';
import { rowShape, type RowOf, type RowShape } from '../services/rows';
import type { RowLoaders } from './row-loaders';
import type { Viewer } from './viewer';

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

/** json_build_object of every mapped column of a shape, for a row embedded in another's json. */
function jsonRow(shape: RowShape<unknown>, alias: string): string {
  return `json_build_object(${shape.columns.map((column) => `'${column}', ${alias}."${column}"`).join(', ')})`;
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
    viewer: Viewer | null,
    private readonly rows: RowLoaders,
    list: ChildList<T>,
    private readonly parts: PartsOf,
    count: (parentId: string) => Promise<number>,
    cacheKeyFn: (key: ChildPageKey) => string,
  ) {
    this.pages = new DataLoader(
      (keys) => loadChildPages(em, viewer, list, keys, count, this.withParts ? this.embedParts() : undefined),
      { cacheKeyFn },
    );
  }

  /** Fields selected on the page's nodes. */
  want(fields: Set<string>): this {
    if (fields.has(this.parts.field)) this.withParts = true;
    return this;
  }

  private embedParts(): Embedded<T> {
    const { entity, parentProperty, order, references } = this.parts;
    const shape = rowShape(this.em, entity);
    const targets = references.map((reference, index) => ({
      ...reference,
      alias: `r${index}`,
      column: shape.columnOf(reference.property),
      shape: rowShape(this.em, reference.entity),
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
