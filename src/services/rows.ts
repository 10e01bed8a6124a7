import type { Collection, EntityMetadata, EntityName, Reference } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What a read returns: the entity's properties by name with plain values, references as `{ id }`,
 * no collections and no unit of work. Hydrating managed entities row by row cost ten times the
 * SQL on a list page (docs/architecture.md, "Read path"); entities stay for writes.
 *
 * An entity satisfies its own RowOf (a reference has an `id`), so a field resolver written against
 * RowOf<T> serves a freshly written entity and a read row alike: it navigates relations by id
 * through the request's loaders, never by `.load()`.
 */
type Column<V> =
  V extends Collection<object, object> ? unknown : V extends Reference<object> ? { id: string } : V;
export type RowOf<T> = { [K in keyof T]: Column<T[K]> };

type RawRow = Record<string, unknown>;

interface Field {
  name: string;
  column: string;
  reference: boolean;
  convert?: (value: unknown) => unknown;
}

export interface RowShape<T> {
  table: string;
  /** The columns mapped, for `select`; lazy columns (e.g. Visit.conditionNotes) are left out. */
  columns: string[];
  /** Whether the table carries organization_id (every table but the store pivot does). */
  scoped: boolean;
  columnOf(property: string): string;
  map(raw: RawRow): RowOf<T>;
}

const shapes = new WeakMap<EntityMetadata, RowShape<unknown>>();

/** How rows of an entity are read: built once per entity from MikroORM's metadata. */
export function rowShape<T>(em: EntityManager, entity: EntityName<T>): RowShape<T> {
  const meta = em.getMetadata().get(entity);
  const known = shapes.get(meta as EntityMetadata);
  if (known) return known as RowShape<T>;
  const platform = em.getPlatform();
  const fields: Field[] = [];
  for (const prop of meta.props) {
    if (prop.persist === false || prop.formula || prop.lazy || prop.fieldNames?.length !== 1) continue;
    const reference = prop.kind === 'm:1' || (prop.kind === '1:1' && prop.owner === true);
    if (!reference && prop.kind !== 'scalar') continue;
    const customType = prop.customType;
    // The driver hands timestamps over as text (MikroORM's pg type parsers); entities get Dates.
    const convert = reference
      ? undefined
      : prop.runtimeType === 'Date'
        ? (value: unknown) => (value instanceof Date ? value : new Date(value as string))
        : customType
          ? (value: unknown) => customType.convertToJSValue(value, platform)
          : undefined;
    fields.push({ name: prop.name, column: prop.fieldNames[0], reference, convert });
  }
  const byProperty = new Map(fields.map((field) => [field.name, field.column]));
  const shape: RowShape<T> = {
    table: meta.tableName,
    columns: fields.map((field) => field.column),
    scoped: byProperty.has('organization'),
    columnOf(property) {
      const column = byProperty.get(property);
      if (!column) throw new Error(`${meta.className}.${property} is not a column`);
      return column;
    },
    map(raw) {
      const row: Record<string, unknown> = {};
      for (const field of fields) {
        const value = raw[field.column];
        row[field.name] =
          value === null || value === undefined
            ? null
            : field.reference
              ? { id: value }
              : field.convert
                ? field.convert(value)
                : value;
      }
      return row as RowOf<T>;
    },
  };
  shapes.set(meta as EntityMetadata, shape as RowShape<unknown>);
  return shape;
}

/** `t.a, t.b, …` for a select of every mapped column of the shape. */
export function selectList(shape: RowShape<unknown>, alias: string): string {
  return shape.columns.map((column) => `${alias}."${column}"`).join(', ');
}
