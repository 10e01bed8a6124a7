import {
  DecryptionError,
  blindIndex,
  blindIndexKey,
  isSealedBytes,
  keyIdOfPart,
  keyIdPart,
  masterKeyId,
  openBytes,
  openParts,
  seal,
  sealBytes,
  sealedBytesKeyId,
  sealedParts,
  unwrapKey,
} from './envelope';

/**
 * How long a process trusts its copy of an organization's keys before reading them again
 * (src/core/crypto/data-keys.ts): a key made by `npm run keys:rotate-data` in another process is
 * learnt within this time.
 */
export const KEY_REFRESH_MS = 60_000;

/** A data key as stored: table data_key. */
export interface StoredDataKey {
  id: string;
  organizationId: string;
  wrappedKey: string;
  masterKeyId: string;
  createdAt: Date;
  retiredAt: Date | null;
}

interface DataKey {
  id: string;
  organizationId: string;
  key: Buffer;
  indexKey: Buffer;
  createdAt: Date;
  retired: boolean;
}

/** A master key the process was given but does not hold (wrong MASTER_KEY): refuse, name the ids. */
export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/**
 * The process's unwrapped data keys by id, and the organizations' newest keys (what new values are
 * sealed with). Synchronous on purpose: a value is opened where its row is mapped (a MikroORM type,
 * src/services/rows.ts), which cannot wait; the keys are loaded before (src/services/crypto/data-keys.ts,
 * when a request learns its organization and before a flush seals anything).
 */
export class KeyRing {
  private readonly masters = new Map<string, Buffer>();
  /** MASTER_KEY's id (what the messages name). */
  private primaryId?: string;
  /** The master key new data keys are wrapped with: MASTER_KEY_NEW during a rotation, else MASTER_KEY. */
  private wrappingId?: string;
  private readonly keys = new Map<string, DataKey>();
  /** The same keys by the id part sealed values carry (base64url), so opening parses a value once. */
  private readonly keysByPart = new Map<string, DataKey>();
  private readonly loadedAt = new Map<string, number>();
  /** The organization the running code works for (a request, a job's unit); undefined: any. */
  private scopeOrganization: () => string | null | undefined = () => undefined;

  /**
   * MASTER_KEY first, then MASTER_KEY_NEW during a rotation. The last one wraps new data keys: one
   * made while `keys:rotate-master` runs, or after it and before MASTER_KEY is switched, would
   * otherwise be under the old key, and a service given only the new key would refuse to start.
   */
  useMasterKeys(keys: readonly Buffer[]): void {
    if (keys.length === 0) throw new MasterKeyError('no master key');
    const ids = keys.map(masterKeyId);
    // The same keys again (a second app in one process) keep the unwrapped data keys.
    const same =
      ids[0] === this.primaryId && ids.at(-1) === this.wrappingId && ids.every((id) => this.masters.has(id));
    if (!same) {
      this.masters.clear();
      this.keys.clear();
      this.keysByPart.clear();
      this.loadedAt.clear();
    }
    keys.forEach((key, index) => this.masters.set(ids[index], key));
    this.primaryId = ids[0];
    this.wrappingId = ids.at(-1);
  }

  get configured(): boolean {
    return this.wrappingId !== undefined;
  }

  /** The master key (id and bytes) that wraps new data keys. */
  wrapping(): { id: string; key: Buffer } {
    if (!this.wrappingId) throw new MasterKeyError('no master key: MASTER_KEY is not configured');
    return { id: this.wrappingId, key: this.masters.get(this.wrappingId)! };
  }

  master(id: string): Buffer {
    const key = this.masters.get(id);
    if (!key)
      throw new MasterKeyError(
        `a data key is wrapped by master key id ${id}, which is not the configured MASTER_KEY (id ${this.primaryId ?? 'none'})${
          this.masters.size > 1 ? ` nor MASTER_KEY_NEW (id ${this.wrappingId})` : ''
        }: the wrong MASTER_KEY is set`,
      );
    return key;
  }

  knowsMaster(id: string): boolean {
    return this.masters.has(id);
  }

  /** Unwraps and keeps an organization's data keys (all of them: old values stay readable). */
  load(organizationId: string, stored: readonly StoredDataKey[], at = Date.now()): void {
    for (const row of stored) {
      const known = this.keys.get(row.id);
      if (known) {
        known.retired = row.retiredAt !== null;
        continue;
      }
      const key = unwrapKey(this.master(row.masterKeyId), row.id, row.wrappedKey);
      const loaded: DataKey = {
        id: row.id,
        organizationId: row.organizationId,
        key,
        indexKey: blindIndexKey(key),
        createdAt: row.createdAt,
        retired: row.retiredAt !== null,
      };
      this.keys.set(row.id, loaded);
      this.keysByPart.set(keyIdPart(row.id), loaded);
    }
    this.loadedAt.set(organizationId, at);
  }

  /** When the organization's keys were last read from the database (undefined: never). */
  loadedSince(organizationId: string): number | undefined {
    return this.loadedAt.get(organizationId);
  }

  forget(organizationId: string): void {
    this.loadedAt.delete(organizationId);
  }

  /**
   * A new key seals only once it is this old: by then every process has read it (KEY_REFRESH_MS), so
   * none meets a value under a key it does not hold. Tests shorten it.
   */
  activationDelayMs = 2 * KEY_REFRESH_MS;

  /**
   * What new values are sealed with: the newest key not retired that is past its activation delay;
   * the newest of all while none is (an organization's first key is used at once).
   */
  current(organizationId: string, now = Date.now()): DataKey {
    let newest: DataKey | undefined;
    let active: DataKey | undefined;
    for (const key of this.keys.values()) {
      if (key.organizationId !== organizationId || key.retired) continue;
      if (!newest || key.createdAt >= newest.createdAt) newest = key;
      if (
        key.createdAt.getTime() <= now - this.activationDelayMs &&
        (!active || key.createdAt >= active.createdAt)
      )
        active = key;
    }
    const chosen = active ?? newest;
    if (!chosen) throw new MasterKeyError(`no data key is loaded for organization ${organizationId}`);
    return chosen;
  }

  /** A loaded key by id (the re-encryption seals with the new key explicitly). */
  key(id: string): DataKey {
    const key = this.keys.get(id);
    if (!key) throw new MasterKeyError(`data key ${id} is not loaded in this process`);
    return key;
  }

  sealWith(keyId: string, plaintext: string): string {
    return seal(this.key(keyId).key, keyId, plaintext);
  }

  /** The blind index of a value under a given key. */
  indexWith(keyId: string, value: string): string {
    return blindIndex(this.key(keyId).indexKey, value);
  }

  hasCurrent(organizationId: string): boolean {
    for (const key of this.keys.values())
      if (key.organizationId === organizationId && !key.retired) return true;
    return false;
  }

  seal(organizationId: string, plaintext: string): string {
    const key = this.current(organizationId);
    return seal(key.key, key.id, plaintext);
  }

  /**
   * Values open only under the running code's organization's keys (server/database.ts passes the
   * tenancy scope; core cannot import it). Work across organizations (rotation, jobs listing) has none.
   */
  confineTo(scopeOrganization: () => string | null | undefined): void {
    this.scopeOrganization = scopeOrganization;
  }

  /**
   * The plaintext of a stored value. A value that is not ciphertext is plaintext left from before the
   * encryption (docs: `npm run keys:rotate-data` seals those); a sealed one opens or throws. Within an
   * organization's work (or for the `organizationId` given: the rotations, which run across
   * organizations), a value under another organization's key throws: copied into a row by someone
   * who can write the tables, it would otherwise be read out by whoever may read that row.
   */
  open(stored: string, organizationId = this.scopeOrganization()): string {
    return this.openSealed(stored, organizationId) ?? stored;
  }

  /** The plaintext of a sealed value; undefined for a value that is not ciphertext. */
  openSealed(stored: string, organizationId = this.scopeOrganization()): string | undefined {
    const parts = sealedParts(stored);
    if (!parts) return undefined;
    const key = this.keysByPart.get(parts[1]);
    if (!key) throw new DecryptionError(`data key ${keyIdOfPart(parts[1])} is not loaded in this process`);
    return openParts(this.confined(key, organizationId).key, parts);
  }

  /** Bytes sealed under the organization's current key (an import's stored file: import-file.ts). */
  sealBytes(organizationId: string, plaintext: Buffer): Buffer {
    const key = this.current(organizationId);
    return sealBytes(key.key, key.id, plaintext);
  }

  /** Stored bytes opened; bytes stored before the encryption (no header) come back as they are. */
  openBytes(stored: Buffer, organizationId = this.scopeOrganization()): Buffer {
    if (!isSealedBytes(stored)) return stored;
    return openBytes(this.openingKey(sealedBytesKeyId(stored), organizationId).key, stored);
  }

  private openingKey(keyId: string, organizationId: string | null | undefined): DataKey {
    const key = this.keys.get(keyId);
    if (!key) throw new DecryptionError(`data key ${keyId} is not loaded in this process`);
    return this.confined(key, organizationId);
  }

  private confined(key: DataKey, organizationId: string | null | undefined): DataKey {
    if (organizationId && key.organizationId !== organizationId)
      throw new DecryptionError(`data key ${key.id} is another organization's than the one this work is for`);
    return key;
  }

  /** The blind index of a value under the organization's current key (what a write stores). */
  index(organizationId: string, value: string): string {
    return blindIndex(this.current(organizationId).indexKey, value);
  }

  /**
   * Blind index → value, for each of `values` under every loaded key of the organization: what SQL
   * maps a grouped index back to its value with (reports by constitution).
   */
  indexMap(organizationId: string, values: readonly string[]): Record<string, string> {
    const map: Record<string, string> = {};
    for (const value of values) for (const index of this.indexesOf(organizationId, value)) map[index] = value;
    return map;
  }

  /** The value's blind index under every loaded key of the organization (a query during a rotation). */
  indexesOf(organizationId: string, value: string): string[] {
    const found: string[] = [];
    for (const key of this.keys.values())
      if (key.organizationId === organizationId) found.push(blindIndex(key.indexKey, value));
    // No key loaded would match nothing, silently: a caller that forgot ensureOrganizationKeys fails.
    if (found.length === 0)
      throw new MasterKeyError(`no data key is loaded for organization ${organizationId}`);
    return found;
  }
}

/** The process's key ring (one per process, like the ORM). */
export const keyRing = new KeyRing();
