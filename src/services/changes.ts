import { helper } from '@mikro-orm/core';
import { BadInputError } from '../core/errors';

/** Whether the entity's column may hold NULL; true for what is not a MikroORM entity. */
function nullable(entity: object, field: string): boolean {
  const properties = helper(entity)?.__meta?.properties as
    Record<string, { nullable?: boolean } | undefined> | undefined;
  const property = properties?.[field];
  return !property || property.nullable === true;
}

/**
 * Copies the given values onto an entity and returns the names of the fields that changed: the list an
 * audit row records. `undefined` leaves a field alone; `null` clears an optional field, and empties a
 * list (list columns are never null: a client's explicit null reached the database as a missing value).
 * A null for a required field (a partial update's `severity: null`) is BAD_USER_INPUT naming it: it
 * reached PostgreSQL's NOT NULL (23502) and answered INTERNAL_SERVER_ERROR.
 */
export function changedFields<T extends object>(
  entity: T,
  changes: { [K in keyof T]?: T[K] | null | undefined },
): string[] {
  const changed: string[] = [];
  type Field = keyof T & string;
  for (const [field, value] of Object.entries(changes) as [Field, T[Field] | null][]) {
    if (value === undefined) continue;
    const list = Array.isArray(entity[field]);
    if (value === null && !list && !nullable(entity, field))
      throw new BadInputError(field, 'required', `${field} cannot be cleared: leave it out or send a value.`);
    const next = (value ?? (list ? [] : undefined)) as T[Field];
    if (JSON.stringify(entity[field] ?? null) === JSON.stringify(next ?? null)) continue;
    entity[field] = next;
    changed.push(field);
  }
  return changed;
}
