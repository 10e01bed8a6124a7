import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Allergy, HealthProfile, MedicalCondition, SpecialCondition, Visit } from '../../entities';
import { BLIND_INDEXES, blindIndexOf } from '../../entities/encryption.subscriber';
import { createDataKey, ensureOrganizationKeys } from './data-keys';
import { masterKeyId, SEALED_LIKE, sealedPrefix, unwrapKey, wrapKey } from './envelope';
import { keyRing, MasterKeyError } from './key-ring';
import { sealedColumns } from './sealed-columns';

/** Every entity with sealed columns: what a data key rotation re-encrypts. */
export const SEALED_ENTITIES: EntityName<object>[] = [
  HealthProfile,
  Allergy,
  MedicalCondition,
  SpecialCondition,
  Visit,
];

/**
 * `npm run keys:rotate-master`: every data key wrapped by `from` (MASTER_KEY) is wrapped again by
 * `to` (MASTER_KEY_NEW), one row at a time, each update conditional on the old wrapping (a second run
 * carries on where one stopped). The data keys themselves do not change, so no value is touched and
 * running processes keep their unwrapped keys: no downtime. Passes repeat until one finds no key under
 * `from`: a service still running with MASTER_KEY alone may make one (a new organization's first key,
 * `keys:rotate-data`) while a pass runs; services given both keys wrap new ones under `to` already.
 * A process that starts during the rotation needs both keys; after it, MASTER_KEY is set to the new key.
 * `onKey`: called after each re-wrapped key (a test makes a key meanwhile).
 */
export async function rotateMasterKey(
  em: EntityManager,
  from: Buffer,
  to: Buffer,
  options: { onKey?: () => Promise<void> | void } = {},
): Promise<number> {
  const fromId = masterKeyId(from);
  const toId = masterKeyId(to);
  if (fromId === toId) throw new MasterKeyError('MASTER_KEY_NEW is the same key as MASTER_KEY');
  const knex = em.getConnection().getKnex();
  let rewrapped = 0;
  for (;;) {
    const { rows } = await knex.raw<{ rows: { id: string; wrapped_key: string; master_key_id: string }[] }>(
      'select id, wrapped_key, master_key_id from data_key where master_key_id <> ? order by created_at, id',
      [toId],
    );
    if (rows.length === 0) return rewrapped;
    const foreign = rows.filter((row) => row.master_key_id !== fromId);
    if (foreign.length > 0)
      throw new MasterKeyError(
        `data keys wrapped by master key id ${[...new Set(foreign.map((row) => row.master_key_id))].join(', ')} are neither MASTER_KEY (id ${fromId}) nor MASTER_KEY_NEW (id ${toId}): ${rewrapped} were re-wrapped, the others not`,
      );
    for (const row of rows) {
      const key = unwrapKey(from, row.id, row.wrapped_key);
      const result = await knex.raw<{ rowCount: number }>(
        'update data_key set wrapped_key = ?, master_key_id = ? where id = ? and master_key_id = ?',
        [wrapKey(to, row.id, key), toId, row.id, fromId],
      );
      rewrapped += result.rowCount;
      await options.onKey?.();
    }
  }
}

export interface DataKeyRotation {
  organizationId: string;
  newKeyId: string;
  /** Rows re-encrypted (plaintext left from before the encryption included). */
  rows: number;
  retired: number;
}

export interface DataKeyRotationOptions {
  batchSize?: number;
  /**
   * How long to wait after making the new key before re-encrypting: every running process must have
   * read it and sealed with it (the ring's activation delay, 2 × KEY_REFRESH_MS, and a margin).
   */
  settleMs?: number;
  /** Called after each batch (the command prints progress; a test reads in between). */
  onBatch?: (table: string, rows: number) => Promise<void> | void;
}

/**
 * `npm run keys:rotate-data`, for one organization: a new data key; then, in batches of `batchSize`
 * rows per table, every sealed value not under it (older keys, and plaintext from before the
 * encryption) opened and sealed again under it, with the blind indexes made again; then the older
 * keys retired (kept: they still open backups taken before, and seal nothing). Each row's update is
 * conditional on the values read, so a concurrent write is never overwritten (the next pass sees it).
 */
export async function rotateDataKey(
  em: EntityManager,
  organizationId: string,
  options: DataKeyRotationOptions = {},
): Promise<DataKeyRotation> {
  const batchSize = options.batchSize ?? 500;
  await ensureOrganizationKeys(em, organizationId);
  const newKeyId = (await createDataKey(em, organizationId))!;
  keyRing.forget(organizationId);
  await ensureOrganizationKeys(em, organizationId);
  if (options.settleMs) await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  let rows = 0;
  // Passes until one finds nothing left: rows written under the old key while a pass ran are caught.
  for (;;) {
    let pass = 0;
    for (const entity of SEALED_ENTITIES)
      pass += await reseal(
        em,
        entity,
        organizationId,
        newKeyId,
        `${sealedPrefix(newKeyId)}%`,
        batchSize,
        options,
      );
    rows += pass;
    if (pass === 0) break;
  }
  const knex = em.getConnection().getKnex();
  const retired = await knex.raw<{ rowCount: number }>(
    'update data_key set retired_at = now() where organization_id = ? and id <> ? and retired_at is null',
    [organizationId, newKeyId],
  );
  keyRing.forget(organizationId);
  await ensureOrganizationKeys(em, organizationId);
  return { organizationId, newKeyId, rows, retired: retired.rowCount };
}

export interface PlaintextSealing {
  organizations: number;
  /** Rows whose plaintext values (written before the encryption) were sealed. */
  rows: number;
}

/**
 * Seals the plaintext left in sealed columns from before the encryption, for every organization,
 * under its current key: rotateDataKey's pass with no new key and only plaintext picked (a value
 * already sealed, under any key, is left as it is). Batched, conditional on the values read, and
 * idempotent: a second run finds nothing. Counts only are returned (never values).
 */
export async function sealPlaintext(
  em: EntityManager,
  options: Pick<DataKeyRotationOptions, 'batchSize' | 'onBatch'> = {},
): Promise<PlaintextSealing> {
  const batchSize = options.batchSize ?? 500;
  const knex = em.getConnection().getKnex();
  const { rows: organizations } = await knex.raw<{ rows: { id: string }[] }>(
    'select id from organization order by id',
  );
  let rows = 0;
  for (const { id: organizationId } of organizations) {
    await ensureOrganizationKeys(em, organizationId);
    const keyId = keyRing.current(organizationId).id;
    for (const entity of SEALED_ENTITIES)
      rows += await reseal(em, entity, organizationId, keyId, SEALED_LIKE, batchSize, options);
  }
  return { organizations: organizations.length, rows };
}

async function reseal(
  em: EntityManager,
  entity: EntityName<object>,
  organizationId: string,
  keyId: string,
  /** A `like` pattern: the values not matching it are sealed again under `keyId`. */
  keep: string,
  batchSize: number,
  options: DataKeyRotationOptions,
): Promise<number> {
  const meta = em.getMetadata().get(entity);
  const columns = sealedColumns(em, entity);
  const indexes = BLIND_INDEXES[meta.className] ?? {};
  const indexColumn = (property: string) =>
    meta.props.find((prop) => prop.name === indexes[property])!.fieldNames[0];
  const stale = columns
    .map(({ column }) => `("${column}" is not null and "${column}" not like ?)`)
    .join(' or ');
  const knex = em.getConnection().getKnex();
  let done = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await knex.raw<{ rows: Record<string, string | null>[] }>(
      `select id, ${columns.map(({ column }) => `"${column}"`).join(', ')} from "${meta.tableName}"
        where organization_id = ? and id > ? and (${stale}) order by id limit ?`,
      [organizationId, after, ...columns.map(() => keep), batchSize],
    );
    if (rows.length === 0) return done;
    await knex.transaction(async (trx) => {
      for (const row of rows) {
        const set: string[] = [];
        const values: (string | null)[] = [];
        for (const { property, column, type } of columns) {
          const stored = row[column];
          if (stored === null) continue;
          const plaintext = keyRing.open(stored);
          set.push(`"${column}" = ?`);
          values.push(keyRing.sealWith(keyId, plaintext));
          if (indexes[property]) {
            const index = blindIndexOf(type.fromText(plaintext), (item) => keyRing.indexWith(keyId, item));
            set.push(`"${indexColumn(property)}" = ?${Array.isArray(index) ? '::text[]' : ''}`);
            values.push(Array.isArray(index) ? `{${index.map((item) => `"${item}"`).join(',')}}` : index);
          }
        }
        const unchanged = columns.map(({ column }) => `"${column}" is not distinct from ?`).join(' and ');
        const result = await trx.raw<{ rowCount: number }>(
          `update "${meta.tableName}" set ${set.join(', ')} where id = ? and ${unchanged}`,
          [...values, row.id, ...columns.map(({ column }) => row[column])],
        );
        done += result.rowCount;
      }
    });
    after = rows[rows.length - 1].id!;
    await options.onBatch?.(meta.tableName, rows.length);
  }
}
