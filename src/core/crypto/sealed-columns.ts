import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { EncryptedType } from '../../entities/encrypted.type';
import { BLIND_INDEXES, blindIndexOf } from '../../entities/encryption.subscriber';
import { ensureOrganizationKeys } from './data-keys';
import { keyRing } from './key-ring';

export interface SealedColumn {
  property: string;
  column: string;
  type: EncryptedType<unknown>;
}

/** The sealed columns of an entity (EncryptedType), from MikroORM's metadata. */
export function sealedColumns(em: EntityManager, entity: EntityName<object>): SealedColumn[] {
  return em
    .getMetadata()
    .get(entity)
    .props.filter((prop) => prop.customType instanceof EncryptedType && prop.fieldNames?.length === 1)
    .map((prop) => ({
      property: prop.name,
      column: prop.fieldNames[0],
      type: prop.customType as EncryptedType<unknown>,
    }));
}

/**
 * Opens, in place, the sealed columns of a row SQL built as json (the export: `to_jsonb(row)`, keys
 * are column names): their plaintext, json values parsed back.
 */
export function openRow(
  em: EntityManager,
  entity: EntityName<object>,
  row: Record<string, unknown> | null,
): void {
  if (!row) return;
  const platform = em.getPlatform();
  for (const { column, type } of sealedColumns(em, entity))
    if (row[column] !== null && row[column] !== undefined)
      row[column] = type.convertToJSValue(row[column], platform);
}

/**
 * Seals, in place, the health values of plain rows about to be inserted without the unit of work
 * (`insertMany`, which never reaches the flush that seals: src/entities/encryption.subscriber.ts),
 * by property name, with the blind indexes of sealed lists. A plaintext value left in such a row
 * is refused by the type, never written.
 */
export async function sealRows(
  em: EntityManager,
  entity: EntityName<object>,
  organizationId: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  await ensureOrganizationKeys(em, organizationId);
  const meta = em.getMetadata().get(entity);
  for (const row of rows)
    for (const { property, type } of sealedColumns(em, entity)) {
      const value = row[property];
      if (value === null || value === undefined) continue;
      const indexName = BLIND_INDEXES[meta.className]?.[property];
      if (indexName) row[indexName] = blindIndexOf(value, (item) => keyRing.index(organizationId, item));
      // Always sealed, a value shaped like ciphertext too (see EncryptionSubscriber): rows to insert
      // hold plaintext from a file or a client.
      row[property] = keyRing.seal(organizationId, type.plaintextOf(value));
    }
}
