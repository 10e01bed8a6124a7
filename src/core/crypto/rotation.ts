import { createHash } from 'node:crypto';
import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Allergy, HealthProfile, MedicalCondition, SpecialCondition, Visit } from '../../entities';
import { BLIND_INDEXES, blindIndexOf } from '../../entities/encryption.subscriber';
import { plaintextPredicate } from '../../entities/plaintext-index';
import { createDataKey, ensureOrganizationKeys } from './data-keys';
import {
  DecryptionError,
  masterKeyId,
  sealBytes,
  sealedBytesPrefix,
  sealedPrefix,
  unwrapKey,
  wrapKey,
} from './envelope';
import { keyRing, MasterKeyError } from './key-ring';
import { sealedColumns } from './sealed-columns';

const FIRST_ID = '00000000-0000-0000-0000-000000000000';

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
  /** Stored pieces of uploaded import files (customer_import_chunk) sealed again, plaintext ones included. */
  importPieces: number;
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
 * The organization's stored import pieces are sealed again too (resealImportPieces): the older keys
 * retire only once nothing kept is under them.
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
  let importPieces = 0;
  // Passes until one finds nothing left: rows written under the old key while a pass ran are caught.
  for (;;) {
    let pass = 0;
    for (const entity of SEALED_ENTITIES)
      pass += await reseal(
        em,
        entity,
        organizationId,
        newKeyId,
        { notUnder: sealedPrefix(newKeyId) },
        batchSize,
        options,
      );
    const pieces = await resealImportPieces(em, organizationId, newKeyId, batchSize, options);
    rows += pass;
    importPieces += pieces;
    if (pass + pieces === 0) break;
  }
  const knex = em.getConnection().getKnex();
  const retired = await knex.raw<{ rowCount: number }>(
    'update data_key set retired_at = now() where organization_id = ? and id <> ? and retired_at is null',
    [organizationId, newKeyId],
  );
  keyRing.forget(organizationId);
  await ensureOrganizationKeys(em, organizationId);
  return { organizationId, newKeyId, rows, importPieces, retired: retired.rowCount };
}

/**
 * The organization's stored import pieces (customer_import_chunk, import-file.ts) not sealed by
 * `keyId`, told by their header's key id (older keys, and pieces stored in plaintext before they were
 * sealed), opened and sealed again under it. Ids in batches of `batchSize`; the pieces (256 KiB each)
 * are read and written one at a time. Each update is conditional on the SHA-256 of the piece as read:
 * a purge or an erasure meanwhile deletes it, and nothing is written back.
 */
async function resealImportPieces(
  em: EntityManager,
  organizationId: string,
  keyId: string,
  batchSize: number,
  options: DataKeyRotationOptions,
): Promise<number> {
  const knex = em.getConnection().getKnex();
  const header = sealedBytesPrefix(keyId);
  const key = keyRing.key(keyId).key;
  let done = 0;
  let after = FIRST_ID;
  for (;;) {
    const { rows } = await knex.raw<{ rows: { id: string }[] }>(
      `select id from customer_import_chunk
        where organization_id = ? and id > ? and substring(data from 1 for ?) <> ? order by id limit ?`,
      [organizationId, after, header.length, header, batchSize],
    );
    if (rows.length === 0) return done;
    for (const { id } of rows) {
      const {
        rows: [piece],
      } = await knex.raw<{ rows: { data: Buffer }[] }>(
        'select data from customer_import_chunk where id = ?',
        [id],
      );
      if (!piece) continue;
      const result = await knex.raw<{ rowCount: number }>(
        'update customer_import_chunk set data = ? where id = ? and sha256(data) = ?',
        [
          sealBytes(key, keyId, keyRing.openBytes(piece.data, organizationId)),
          id,
          createHash('sha256').update(piece.data).digest(),
        ],
      );
      done += result.rowCount;
    }
    after = rows[rows.length - 1].id;
    await options.onBatch?.('customer_import_chunk', rows.length);
  }
}

export interface PlaintextSealing {
  /** Organizations that had plaintext values (not all of them: the others are not read). */
  organizations: number;
  /** Rows whose plaintext values (written before the encryption) were sealed. */
  rows: number;
}

/**
 * Seals the plaintext left in sealed columns from before the encryption, under each organization's
 * current key: rotateDataKey's pass with no new key and only plaintext picked (a value already
 * sealed, under any key, is left as it is). Batched, conditional on the values read, and idempotent:
 * a second run finds nothing. Counts only are returned (never values).
 *
 * It runs at every start, so a sealed database must cost next to nothing: per sealed table one
 * statement asks which organizations have plaintext, and only those are read. Both statements carry
 * the plaintext predicate as a literal (src/entities/plaintext-index.ts), which the partial indexes
 * `<table>_plaintext_index` (Migration20261205010000_plaintext_indexes) hold exactly: empty in a
 * sealed database, so the pass reads an empty index per table instead of every row (300k sealed
 * visits, as the jobs role: 0.08 ms for the probe instead of a 127 ms scan).
 */
export async function sealPlaintext(
  em: EntityManager,
  options: Pick<DataKeyRotationOptions, 'batchSize' | 'onBatch'> = {},
): Promise<PlaintextSealing> {
  const batchSize = options.batchSize ?? 500;
  const knex = em.getConnection().getKnex();
  const found = new Set<string>();
  let rows = 0;
  for (const entity of SEALED_ENTITIES) {
    const { tableName } = em.getMetadata().get(entity);
    const plaintext = plaintextPredicate(sealedColumns(em, entity).map(({ column }) => column));
    // The organizations with plaintext, one index probe each (a loose index scan): `select distinct`
    // was planned as a scan of the table, as the planner expects nearly every row to match (under
    // row-level security it may not read the column statistics for `not like`, which is not leakproof).
    const { rows: organizations } = await knex.raw<{ rows: { id: string }[] }>(
      `with recursive found (id) as (
         (select organization_id from "${tableName}" where ${plaintext} order by organization_id limit 1)
         union all
         select (select organization_id from "${tableName}" where (${plaintext}) and organization_id > found.id
                  order by organization_id limit 1)
           from found where found.id is not null)
       select id from found where id is not null`,
    );
    for (const { id: organizationId } of organizations) {
      found.add(organizationId);
      await ensureOrganizationKeys(em, organizationId);
      const keyId = keyRing.current(organizationId).id;
      rows += await reseal(em, entity, organizationId, keyId, 'plaintext', batchSize, options);
    }
  }
  return { organizations: found.size, rows };
}

/** A stored value of an organization's row, opened with that organization's keys or refused, naming the row. */
function openInRow(stored: string, organizationId: string, table: string, id: string): string {
  try {
    return keyRing.open(stored, organizationId);
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    throw new DecryptionError(
      `${table} row ${id} holds a value that does not open with its organization's keys (${error.message}): ` +
        'it was tampered with or copied from elsewhere; clear it or restore the row, then run again',
    );
  }
}

/** Which values a pass seals again: those not under a key (its `sealedPrefix`), or plaintext only. */
type Stale = { notUnder: string } | 'plaintext';

async function reseal(
  em: EntityManager,
  entity: EntityName<object>,
  organizationId: string,
  keyId: string,
  stale: Stale,
  batchSize: number,
  options: DataKeyRotationOptions,
): Promise<number> {
  const meta = em.getMetadata().get(entity);
  const columns = sealedColumns(em, entity);
  const indexes = BLIND_INDEXES[meta.className] ?? {};
  const indexColumn = (property: string) =>
    meta.props.find((prop) => prop.name === indexes[property])!.fieldNames[0];
  const [picked, pickedValues] =
    stale === 'plaintext'
      ? [plaintextPredicate(columns.map(({ column }) => column)), []]
      : [
          columns.map(({ column }) => `("${column}" is not null and "${column}" not like ?)`).join(' or '),
          columns.map(() => `${stale.notUnder}%`),
        ];
  const knex = em.getConnection().getKnex();
  let done = 0;
  let after = FIRST_ID;
  for (;;) {
    const { rows } = await knex.raw<{ rows: Record<string, string | null>[] }>(
      `select id, ${columns.map(({ column }) => `"${column}"`).join(', ')} from "${meta.tableName}"
        where organization_id = ? and id > ? and (${picked}) order by id limit ?`,
      [organizationId, after, ...pickedValues, batchSize],
    );
    if (rows.length === 0) return done;
    await knex.transaction(async (trx) => {
      for (const row of rows) {
        const set: string[] = [];
        const values: (string | null)[] = [];
        for (const { property, column, type } of columns) {
          const stored = row[column];
          if (stored === null) continue;
          // The row's organization's keys only: re-sealing a value copied in from another
          // organization under this one's key would make it readable here (a tampered row stops the pass).
          const plaintext = openInRow(stored, organizationId, meta.tableName, row.id!);
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
