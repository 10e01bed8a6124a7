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
  /**
   * The shape that reads only the scalar `properties` named, besides the id and every reference
   * (what rules, loaders and cursors navigate by, always read). Its rows lack the other properties:
   * reading one of them throws, so a resolver or rule that reads a column its type does not declare
   * (src/services/read/read-shapes.ts) fails loudly, in production too, instead of seeing null.
   */
  narrow(properties: ReadonlySet<string>): RowShape<T>;
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
  const shape = shapeOf<T>(meta.className, meta.tableName, fields, fields);
  shapes.set(meta as EntityMetadata, shape as RowShape<unknown>);
  return shape;
}

function shapeOf<T>(entity: string, table: string, all: Field[], fields: Field[]): RowShape<T> {
  const byProperty = new Map(all.map((field) => [field.name, field.column]));
  const omitted = all.filter((field) => !fields.includes(field)).map((field) => field.name);
  // A narrowed row's prototype answers every property it lacks by throwing: a resolver or rule that
  // reads a column its type does not declare fails (in production too) instead of seeing null.
  const prototype = omitted.length > 0 ? omittedColumns(entity, omitted) : undefined;
  const narrowed = new Map<string, RowShape<T>>();
  return {
    table,
    columns: fields.map((field) => field.column),
    scoped: byProperty.has('organization'),
    columnOf(property) {
      const column = byProperty.get(property);
      if (!column) throw new Error(`${entity}.${property} is not a column`);
      return column;
    },
    map(raw) {
      const row: Record<string, unknown> = prototype ? Object.create(prototype) : {};
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
    narrow(properties) {
      const kept = all.filter(
        (field) => field.name === 'id' || field.reference || properties.has(field.name),
      );
      const key = kept.map((field) => field.name).join(',');
      let shape = narrowed.get(key);
      if (!shape) narrowed.set(key, (shape = shapeOf<T>(entity, table, all, kept)));
      return shape;
    },
  };
}

function omittedColumns(entity: string, omitted: readonly string[]): object {
  const prototype = {};
  for (const property of omitted)
    Object.defineProperty(prototype, property, {
      get() {
        throw new Error(
          `${entity}.${property} was not read for this response: declare what the field reads in src/resolvers/read-shapes.ts`,
        );
      },
    });
  return prototype;
}

/** `t.a, t.b, …` for a select of every mapped column of the shape. */
export function selectList(shape: RowShape<unknown>, alias: string): string {
  return shape.columns.map((column) => `${alias}."${column}"`).join(', ');
}
