import type { EntityManager } from '@mikro-orm/postgresql';
import type { Customer } from '../../entities';
import type { FieldMerge } from './customer-merge-fields';

/**
 * Phone and externalId are unique per organization, so a value changes hands in three writes: the
 * merged record lets go of what the survivor takes, the survivor takes it, and the merged record gets
 * the survivor's previous value (a swap). Every phone and externalId either of them had then still
 * finds the survivor: on it, or on the merged record, whose `mergedInto` names it.
 */
export async function moveIdentifiers(
  em: EntityManager,
  survivor: Customer,
  merged: Customer,
  fields: Pick<FieldMerge, 'phone' | 'externalId'>,
): Promise<void> {
  const { phone, externalId } = fields;
  if (phone.survivorTakes) {
    merged.phone = undefined;
    merged.phoneLast4 = undefined;
  }
  if (externalId.survivorTakes) merged.externalId = undefined;
  await em.flush();
  if (phone.survivorTakes) {
    survivor.phone = phone.survivorTakes;
    survivor.phoneLast4 = phone.survivorTakes.slice(-4);
  }
  if (externalId.survivorTakes) survivor.externalId = externalId.survivorTakes;
  await em.flush();
  if (phone.mergedGets) {
    merged.phone = phone.mergedGets;
    merged.phoneLast4 = phone.mergedGets.slice(-4);
  }
  if (externalId.mergedGets) merged.externalId = externalId.mergedGets;
}
