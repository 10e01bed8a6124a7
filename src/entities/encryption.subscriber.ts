import {
  ChangeSetType,
  Reference,
  type EntityMetadata,
  type EventSubscriber,
  type FlushEventArgs,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { keyRing } from '../core/crypto/key-ring';
import { ensureOrganizationKeys } from '../core/crypto/data-keys';
import { EncryptedType } from './encrypted.type';

/**
 * The blind indexes kept with sealed values, by entity and property: an HMAC under the organization's
 * key (one per item of a list), so SQL can still ask "is it one of these" (segment rules) and group
 * (reports by constitution) without the plaintext.
 */
export const BLIND_INDEXES: Record<string, Record<string, string>> = {
  HealthProfile: {
    currentComplaints: 'currentComplaintsIndex',
    wellnessGoals: 'wellnessGoalsIndex',
    constitution: 'constitutionIndex',
  },
};

/** The properties of an entity that are sealed (EncryptedType columns). */
export function sealedProperties(meta: EntityMetadata): string[] {
  return meta.props.filter((prop) => prop.customType instanceof EncryptedType).map((prop) => prop.name);
}

/** The blind index items of a list: each item's HMAC under the key `index` computes with. */
export function indexItems(list: unknown, index: (value: string) => string): string[] {
  return Array.isArray(list) ? [...new Set(list.map((item) => index(String(item))))] : [];
}

/** The blind index of a value: one HMAC for a scalar (null for none), the items' for a list. */
export function blindIndexOf(value: unknown, index: (value: string) => string): string | string[] | null {
  if (Array.isArray(value)) return indexItems(value, index);
  return value === null || value === undefined ? null : index(String(value));
}

/**
 * Seals the health values of every entity a flush writes (docs/architecture.md, "Encryption at
 * rest"): the change set's payload gets the ciphertext, the entity keeps the plaintext (and so does
 * the snapshot MikroORM compares with, src/entities/encrypted.type.ts), with the organization's newest
 * data key, loaded first (one lookup per process per organization).
 */
export class EncryptionSubscriber implements EventSubscriber {
  async onFlush({ em, uow }: FlushEventArgs): Promise<void> {
    const sets = uow
      .getChangeSets()
      .filter(
        (set) =>
          (set.type === ChangeSetType.CREATE || set.type === ChangeSetType.UPDATE) &&
          sealedProperties(set.meta).some((name) => name in set.payload),
      );
    if (sets.length === 0) return;
    const organizationOf = (entity: object) =>
      (Reference.unwrapReference((entity as { organization: object }).organization) as { id: string }).id;
    for (const organizationId of new Set(sets.map((set) => organizationOf(set.entity))))
      await ensureOrganizationKeys(em as EntityManager, organizationId);
    const platform = em.getPlatform();
    for (const set of sets) {
      const organizationId = organizationOf(set.entity);
      const payload = set.payload as Record<string, unknown>;
      const entity = set.entity as Record<string, unknown>;
      for (const name of sealedProperties(set.meta)) {
        if (!(name in payload)) continue;
        const value = payload[name];
        // Always sealed, also a value shaped like ciphertext: the entity holds plaintext only (a read
        // opens what it loads), so such a value came from a client, and passing it through would let
        // the server open it: a ciphertext copied from a dump, of any organization whose key this
        // process holds, read back in plaintext (found by a review).
        if (typeof value === 'string') payload[name] = keyRing.seal(organizationId, value);
        const indexName = BLIND_INDEXES[set.meta.className]?.[name];
        if (indexName) {
          const items = blindIndexOf(entity[name], (item) => keyRing.index(organizationId, item));
          entity[indexName] = items;
          const indexProp = set.meta.properties[indexName as never] as EntityMetadata['props'][number];
          payload[indexName] = indexProp.customType
            ? indexProp.customType.convertToDatabaseValue(items, platform)
            : items;
        }
      }
    }
  }
}
