import { Reference, type EntityClass } from '@mikro-orm/core';
import type { AppContext } from './context';
import type { RowOf } from '../services/rows';

/**
 * The row a reference points at, batched per request. Parents are read rows or freshly written
 * entities; both carry a reference's `id`, so relations are followed by id, never by `.load()`.
 */
export function rowOf<T>(
  context: AppContext,
  entity: EntityClass<T>,
  reference: { id: string } | null | undefined,
): RowOf<T> | null | Promise<RowOf<T> | null> {
  if (!reference) return null;
  // A written entity's reference may point at a row of its own transaction (a dry run's new account):
  // what that entity already holds is the answer.
  if (Reference.isReference<T & object>(reference) && reference.isInitialized())
    return reference.unwrap() as RowOf<T>;
  return context.loaders.rows.byId(entity).get(reference.id);
}
