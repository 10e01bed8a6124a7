import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { masterKeyId, newDataKey, wrapKey } from './envelope';
import { KEY_REFRESH_MS, keyRing, MasterKeyError, type StoredDataKey } from './key-ring';
import { ensureMasterKeys } from './master-keys';

/**
 * A fill of a per-process cache, not per-request work: statements tagged so are left out of the
 * statement counts of the read-path tests, as the directory cache's are (src/services/read/directory-cache.ts).
 */
const CACHE_SQL_TAG = '/* directory-cache */';

interface KeyRow {
  id: string;
  organization_id: string;
  wrapped_key: string;
  master_key_id: string;
  created_at: Date | string;
  retired_at: Date | string | null;
}

const stored = (row: KeyRow): StoredDataKey => ({
  id: row.id,
  organizationId: row.organization_id,
  wrappedKey: row.wrapped_key,
  masterKeyId: row.master_key_id,
  createdAt: new Date(row.created_at),
  retiredAt: row.retired_at === null ? null : new Date(row.retired_at),
});

/**
 * The organization's data keys in the process's key ring, read once per process (and again after
 * KEY_REFRESH_MS); the first one made when the organization has none. Its own connection, outside any
 * transaction of the caller: a key must never be rolled back after a value was sealed with it.
 */
export async function ensureOrganizationKeys(em: EntityManager, organizationId: string): Promise<void> {
  ensureMasterKeys();
  const loaded = keyRing.loadedSince(organizationId);
  if (loaded !== undefined && Date.now() - loaded < KEY_REFRESH_MS && keyRing.hasCurrent(organizationId))
    return;
  const knex = em.getConnection().getKnex();
  const read = async () =>
    (
      await knex.raw<{ rows: KeyRow[] }>(
        `${CACHE_SQL_TAG} select id, organization_id, wrapped_key, master_key_id, created_at, retired_at
           from data_key where organization_id = ? order by created_at, id`,
        [organizationId],
      )
    ).rows;
  let rows = await read();
  if (!rows.some((row) => row.retired_at === null)) {
    await createDataKey(em, organizationId, { onlyIfNone: true });
    rows = await read();
  }
  keyRing.load(organizationId, rows.map(stored));
}

/**
 * A new data key for the organization, wrapped by the ring's wrapping key (MASTER_KEY_NEW during a
 * master key rotation, else MASTER_KEY: src/core/crypto/key-ring.ts). `onlyIfNone`: unless it has a
 * key not retired (two processes meeting a new organization at once make one key: the advisory lock).
 */
export async function createDataKey(
  em: EntityManager,
  organizationId: string,
  options: { onlyIfNone?: boolean } = {},
): Promise<string | undefined> {
  ensureMasterKeys();
  const wrapping = keyRing.wrapping();
  const knex = em.getConnection().getKnex();
  return knex.transaction(async (trx) => {
    await trx.raw(`select pg_advisory_xact_lock(hashtextextended('data_key:' || ?, 0))`, [organizationId]);
    if (options.onlyIfNone) {
      const found = await trx.raw<{ rows: unknown[] }>(
        'select 1 from data_key where organization_id = ? and retired_at is null limit 1',
        [organizationId],
      );
      if (found.rows.length > 0) return undefined;
    }
    const id = randomUUID();
    await trx.raw(
      `insert into data_key (id, organization_id, wrapped_key, master_key_id, created_at)
       values (?, ?, ?, ?, clock_timestamp())`,
      [id, organizationId, wrapKey(wrapping.key, id, newDataKey()), wrapping.id],
    );
    return id;
  });
}

/**
 * At start: every data key is wrapped by one of `keys`, else the service refuses to start with a
 * message naming the ids (a wrong MASTER_KEY would otherwise fail at the first read of health data).
 * The ring takes the keys only once they pass.
 */
export async function adoptMasterKeys(em: EntityManager, keys: readonly Buffer[]): Promise<void> {
  const known = new Set(keys.map(masterKeyId));
  const { rows } = await em
    .getConnection()
    .getKnex()
    .raw<{ rows: { master_key_id: string }[] }>('select distinct master_key_id from data_key');
  const unknown = rows.map((row) => row.master_key_id).filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new MasterKeyError(
      `MASTER_KEY (id ${masterKeyId(keys[0])}) is not the master key the health data keys are wrapped by (id ${unknown.join(', ')}): set the MASTER_KEY they were made with (during a rotation, MASTER_KEY_NEW as well)`,
    );
  keyRing.useMasterKeys(keys);
}
