import DataLoader from 'dataloader';
import { wrap, type EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Companion } from './companions';
import { rowShape, selectList, type RowOf, type RowShape } from '../rows';
import type { Viewer } from '../../core/viewer';
import { runPrepared } from '../sql';
import { uuidArray } from '../../core/uuid';
import { readShape } from './read-shapes';
import type { SelectionByType } from './selection';

/**
 * A DataLoader that also remembers, synchronously, what it has loaded or was primed with: a resolver
 * that finds its row there returns it without a promise (graphql-js then completes the object
 * synchronously; a promise per field and row was much of a list page's CPU and garbage).
 */
export class RecordingLoader<K, V> extends DataLoader<K, V, string> {
  readonly values = new Map<string, V>();

  constructor(batch: DataLoader.BatchLoadFn<K, V>, cacheKeyFn: (key: K) => string = String) {
    super(
      async (keys) => {
        const values = await batch(keys);
        keys.forEach((key, index) => {
          const value = values[index];
          if (!(value instanceof Error)) this.values.set(cacheKeyFn(key), value);
        });
        return values;
      },
      { cacheKeyFn },
    );
    this.keyOf = cacheKeyFn;
  }

  private readonly keyOf: (key: K) => string;

  override prime(key: K, value: V | PromiseLike<V> | Error): this {
    if (!(value instanceof Error) && !isPromiseLike(value) && !this.values.has(this.keyOf(key)))
      this.values.set(this.keyOf(key), value);
    return super.prime(key, value);
  }

  /** The value now if known, else the promise of it. */
  get(key: K): V | Promise<V> {
    const known = this.values.get(this.keyOf(key));
    return known !== undefined ? known : this.load(key);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
 * Plain rows by id and by parent for one request, one statement per entity and level of a response,
 * always inside the viewer's organization (no viewer, no rows). Loaded rows can be primed by a read
 * that fetched them already (a list page primes its customers), so nothing is read twice.
 */
export interface RowLoaders {
  /**
   * Whole rows when loaded here; a query's nested page may prime it with rows narrowed to what the
   * query selects on the type (services/read/read-shapes.ts): read only columns the type's fields declare.
   */
  byId<T>(entity: EntityClass<T>): RecordingLoader<string, RowOf<T> | null>;
  /** Rows whose `property` (a many-to-one) points at the key, in `orderBy` (SQL on alias t). */
  byParent<T>(entity: EntityClass<T>, property: string, orderBy: string): RecordingLoader<string, RowOf<T>[]>;
  /** The targets of a many-to-many collection of `entity`, per owner id. */
  collection<T, U>(
    entity: EntityClass<T>,
    property: string,
    target: EntityClass<U>,
  ): RecordingLoader<string, RowOf<U>[]>;
  /** `byParent(entity, property, orderBy)` of each parent row, fetched along with it (json). */
  parentCompanion<T>(entity: EntityClass<T>, property: string, orderBy: string): Companion;
  /** `collection(entity, property, target)` of each parent row, fetched along with it (json). */
  collectionCompanion<T, U>(entity: EntityClass<T>, property: string, target: EntityClass<U>): Companion;
}

/** json_build_object of every mapped column of a shape, for rows embedded in another row's json. */
export function jsonRow(shape: RowShape<unknown>, alias: string): string {
  return `json_build_object(${shape.columns.map((column) => `'${column}', ${alias}."${column}"`).join(', ')})`;
}

/** Rows embedded as a json array, mapped and primed into `loader` under the parent's id. */
function primeRows<T>(
  shape: RowShape<T>,
  loader: RecordingLoader<string, RowOf<T>[]>,
): (parentId: string, value: unknown) => void {
  return (parentId, value) =>
    loader.prime(
      parentId,
      (value as Record<string, unknown>[]).map((json) => shape.map(json)),
    );
}

/**
 * Rows some entities are read from instead of a statement of this request (the process's directory
 * cache for users), by entity name. Rows of another organization are never returned.
 */
export type RowSources = Partial<
  Record<string, (ids: readonly string[]) => Promise<(RowOf<object> | null)[]>>
>;

export function createRowLoaders(
  em: EntityManager,
  viewer: Viewer | null,
  sources: RowSources = {},
  /** The query's fields by type once known: lists read only the columns the response selects. */
  selection: () => SelectionByType | undefined = () => undefined,
): RowLoaders {
  const loaders = new Map<string, RecordingLoader<string, unknown>>();
  const once = <V>(key: string, build: () => RecordingLoader<string, V>): RecordingLoader<string, V> => {
    let loader = loaders.get(key) as RecordingLoader<string, V> | undefined;
    if (!loader) {
      loader = build();
      loaders.set(key, loader as RecordingLoader<string, unknown>);
    }
    return loader;
  };
  const execute = (sql: string, params: unknown[]): Promise<Record<string, unknown>[]> =>
    runPrepared(em, sql, params);

  const pivotOf = (entity: EntityClass<unknown>, property: string) =>
    em.getMetadata().get(entity).properties[property as never] as unknown as {
      pivotTable: string;
      joinColumns: string[];
      inverseJoinColumns: string[];
    };
  const organizationParams = () => (viewer ? [viewer.organizationId] : []);

  const rowLoaders: RowLoaders = {
    byId<T>(entity: EntityClass<T>) {
      return once(`id:${entity.name}`, () => {
        const shape = rowShape(em, entity);
        // Rows by id are always the viewer's organization's: a table without organization_id has none.
        if (!shape.scoped) throw new Error(`${entity.name} has no organization_id: it has no rows by id`);
        return new RecordingLoader<string, RowOf<T> | null>(async (ids) => {
          if (!viewer) return ids.map(() => null);
          // What this request wrote (a mutation's answer, a dry run's rows) is in its unit of work.
          const byId = new Map<string, RowOf<T>>();
          for (const id of ids) {
            const written = em.getUnitOfWork().getById<object>(entity.name, id);
            if (written && wrap(written).isInitialized()) byId.set(id, written as RowOf<T>);
          }
          const missing = ids.filter((id) => !byId.has(id));
          const source = sources[entity.name];
          if (missing.length > 0 && source) {
            const organizationId = viewer.organizationId;
            for (const row of await source(missing))
              if (row && (row as { organization?: { id: string } }).organization?.id === organizationId)
                byId.set((row as { id: string }).id, row as RowOf<T>);
          } else if (missing.length > 0) {
            const rows = await execute(
              `select ${selectList(shape, 't')} from "${shape.table}" t where t.id = any(?::uuid[]) and t.organization_id = ?`,
              [uuidArray(missing), viewer.organizationId],
            );
            for (const raw of rows) byId.set(String(raw.id), shape.map(raw));
          }
          return ids.map((id) => byId.get(id) ?? null);
        });
      });
    },

    byParent<T>(entity: EntityClass<T>, property: string, orderBy: string) {
      return once(`parent:${entity.name}.${property}:${orderBy}`, () => {
        const parentColumn = rowShape(em, entity).columnOf(property);
        return new RecordingLoader<string, RowOf<T>[]>(async (ids) => {
          if (!viewer) return ids.map(() => []);
          const shape = readShape(em, entity, selection());
          const rows = await execute(
            `select ${selectList(shape, 't')} from "${shape.table}" t
              where t."${parentColumn}" = any(?::uuid[]) and t.organization_id = ? order by ${orderBy}`,
            [uuidArray(ids), viewer.organizationId],
          );
          const grouped = new Map<string, RowOf<T>[]>(ids.map((id) => [id, []]));
          for (const raw of rows) grouped.get(String(raw[parentColumn]))?.push(shape.map(raw));
          return ids.map((id) => grouped.get(id) ?? []);
        });
      });
    },

    collection<T, U>(entity: EntityClass<T>, property: string, target: EntityClass<U>) {
      return once(`collection:${entity.name}.${property}`, () => {
        const prop = pivotOf(entity, property);
        return new RecordingLoader<string, RowOf<U>[]>(async (ids) => {
          if (!viewer) return ids.map(() => []);
          const shape = readShape(em, target, selection());
          const rows = await execute(
            `select p."${prop.joinColumns[0]}" as owner_id, ${selectList(shape, 't')}
               from "${prop.pivotTable}" p join "${shape.table}" t on t.id = p."${prop.inverseJoinColumns[0]}"
              where p."${prop.joinColumns[0]}" = any(?::uuid[]) and t.organization_id = ?
              order by t.created_at, t.id`,
            [uuidArray(ids), viewer.organizationId],
          );
          const grouped = new Map<string, RowOf<U>[]>(ids.map((id) => [id, []]));
          for (const raw of rows) grouped.get(String(raw.owner_id))?.push(shape.map(raw));
          return ids.map((id) => grouped.get(id) ?? []);
        });
      });
    },

    parentCompanion<T>(entity: EntityClass<T>, property: string, orderBy: string): Companion {
      const shape = readShape(em, entity, selection());
      return {
        sql: `(select coalesce(json_agg(${jsonRow(shape, 't')} order by ${orderBy}), '[]'::json)
                 from "${shape.table}" t where t."${shape.columnOf(property)}" = p.id and t.organization_id = ?)`,
        params: organizationParams(),
        take: primeRows(shape, rowLoaders.byParent(entity, property, orderBy)),
      };
    },

    collectionCompanion<T, U>(entity: EntityClass<T>, property: string, target: EntityClass<U>): Companion {
      const prop = pivotOf(entity, property);
      const shape = readShape(em, target, selection());
      return {
        sql: `(select coalesce(json_agg(${jsonRow(shape, 't')} order by t.created_at, t.id), '[]'::json)
                 from "${prop.pivotTable}" pivot join "${shape.table}" t on t.id = pivot."${prop.inverseJoinColumns[0]}"
                where pivot."${prop.joinColumns[0]}" = p.id and t.organization_id = ?)`,
        params: organizationParams(),
        take: primeRows(shape, rowLoaders.collection(entity, property, target)),
      };
    },
  };
  return rowLoaders;
}
