import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Envelope encryption of health values (docs/architecture.md, "Encryption at rest"): AES-256-GCM
 * with a data key per organization; the data keys themselves AES-256-GCM-wrapped by the master key.
 *
 * A stored value is text, `v1.<keyId>.<iv>.<ciphertext+tag>`, each part base64url (the key id is the
 * data key's uuid in 16 bytes). Text, not bytea: the columns stay readable in json built by SQL
 * (the read path and the export build their rows as json, where bytea would come back hex-escaped),
 * and a plaintext value left from before the encryption is told apart by its shape alone.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

const B64 = '[A-Za-z0-9_-]';
const SEALED = new RegExp(`^${VERSION}\\.(${B64}{22})\\.(${B64}{16})\\.(${B64}{22,})$`);

/** A value that cannot be opened: wrong key, tampered, truncated. Never carries the value. */
export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether a stored value is ciphertext (else: plaintext written before the encryption). */
export function isSealed(value: string): boolean {
  return SEALED.test(value);
}

/** A `like` pattern every sealed value matches, whatever its key (plaintext does not: `isSealed`). */
export const SEALED_LIKE = `${VERSION}.%`;

/** The prefix every value sealed by `keyId` starts with (for `like` in the re-encryption). */
export function sealedPrefix(keyId: string): string {
  return `${VERSION}.${uuidBytes(keyId).toString('base64url')}.`;
}

export function seal(key: Buffer, keyId: string, plaintext: string): string {
  const header = sealedPrefix(keyId);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The header (version and key id) is authenticated: a value moved under another key id fails.
  cipher.setAAD(Buffer.from(header));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${header}${iv.toString('base64url')}.${body.toString('base64url')}`;
}

export function open(key: Buffer, sealed: string): string {
  const parts = sealedParts(sealed);
  if (!parts) throw new DecryptionError('not an encrypted value');
  return openParts(key, parts);
}

/**
 * A sealed value's parts (the key id as stored, base64url; iv; body), or null for plaintext: one
 * match per value on the read path, where a page opens dozens (`KeyRing.openSealed`).
 */
export function sealedParts(value: string): RegExpExecArray | null {
  return SEALED.exec(value);
}

/** The uuid of a key id part as `sealedParts` answers it (for messages; the ring looks keys up by the part). */
export function keyIdOfPart(part: string): string {
  return uuidOf(Buffer.from(part, 'base64url'));
}

/** The key id part (base64url of its 16 bytes) that values sealed by `keyId` carry. */
export function keyIdPart(keyId: string): string {
  return uuidBytes(keyId).toString('base64url');
}

export function openParts(key: Buffer, match: RegExpExecArray): string {
  const body = Buffer.from(match[3], 'base64url');
  if (body.length < TAG_BYTES) throw new DecryptionError('encrypted value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(match[2], 'base64url'));
  decipher.setAAD(Buffer.from(`${VERSION}.${match[1]}.`));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    const head = decipher.update(body.subarray(0, body.length - TAG_BYTES));
    // final() authenticates: nothing of the value is returned before it has passed.
    const tail = decipher.final();
    return (tail.length ? Buffer.concat([head, tail]) : head).toString('utf8');
  } catch {
    throw new DecryptionError(
      `encrypted value under data key ${keyIdOfPart(match[1])} failed authentication (tampered or wrong key)`,
    );
  }
}

/**
 * A master key's id: the first 8 bytes of its SHA-256, hex. Stored with each wrapped data key, so a
 * wrong MASTER_KEY is recognised before anything is unwrapped (and the id says nothing of the key).
 */
export function masterKeyId(masterKey: Buffer): string {
  return createHash('sha256').update('wellness master key id').update(masterKey).digest('hex').slice(0, 16);
}

/** A data key wrapped by a master key: `<iv>.<ciphertext+tag>` base64url, bound to the data key id. */
export function wrapKey(masterKey: Buffer, dataKeyId: string, dataKey: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from(`data key ${dataKeyId}`));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
  return `${iv.toString('base64url')}.${body.toString('base64url')}`;
}

export function unwrapKey(masterKey: Buffer, dataKeyId: string, wrapped: string): Buffer {
  const [iv, bodyText] = wrapped.split('.');
  const body = Buffer.from(bodyText ?? '', 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`data key ${dataKeyId}`));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError(
      `data key ${dataKeyId} does not unwrap under its master key (tampered or wrong key)`,
    );
  }
}

/** A new random data key. */
export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * The key of the blind index of values sealed by a data key: derived (HKDF-SHA256), so the index
 * tells equal values apart from unequal ones without the data key opening anything.
 */
export function blindIndexKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'wellness blind index', KEY_BYTES));
}

/** HMAC-SHA256 of the exact value, 16 bytes base64url: equality only (what `&&` on the lists compared). */
export function blindIndex(indexKey: Buffer, value: string): string {
  return createHmac('sha256', indexKey).update(value).digest().subarray(0, 16).toString('base64url');
}

/** MASTER_KEY's text: base64 of 32 bytes, else a clear error (never the value). */
export function parseMasterKey(text: string, name: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(trimmed))
    throw new Error(`${name} must be base64 of exactly 32 bytes (e.g. openssl rand -base64 32)`);
  return Buffer.from(trimmed, 'base64');
}

/**
 * Bytes sealed as bytes (an import's stored file pieces, table customer_import_chunk): MAGIC, the key
 * id (16 bytes), the iv, the ciphertext and the tag. Binary, not the text form: a 256 KiB piece would
 * grow by a third as base64, and nothing reads these pieces through json.
 */
const BYTES_MAGIC = Buffer.from('\u0000SB1', 'latin1');
const BYTES_HEADER = BYTES_MAGIC.length + 16;

/** Whether stored bytes were sealed by `sealBytes` (else: a piece stored before the encryption). */
export function isSealedBytes(stored: Buffer): boolean {
  return (
    stored.length >= BYTES_HEADER + IV_BYTES + TAG_BYTES &&
    stored.subarray(0, BYTES_MAGIC.length).equals(BYTES_MAGIC)
  );
}

/** The data key id of bytes sealed by `sealBytes`. */
export function sealedBytesKeyId(stored: Buffer): string {
  return uuidOf(stored.subarray(BYTES_MAGIC.length, BYTES_HEADER));
}

/** The header every piece sealed by `keyId` starts with (the data key rotation skips those). */
export function sealedBytesPrefix(keyId: string): Buffer {
  return Buffer.concat([BYTES_MAGIC, uuidBytes(keyId)]);
}

export function sealBytes(key: Buffer, keyId: string, plaintext: Buffer): Buffer {
  const header = sealedBytesPrefix(keyId);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(header);
  return Buffer.concat([header, iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function openBytes(key: Buffer, stored: Buffer): Buffer {
  if (!isSealedBytes(stored)) throw new DecryptionError('not encrypted bytes');
  const header = stored.subarray(0, BYTES_HEADER);
  const iv = stored.subarray(BYTES_HEADER, BYTES_HEADER + IV_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(header);
  decipher.setAuthTag(stored.subarray(stored.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(stored.subarray(BYTES_HEADER + IV_BYTES, stored.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new DecryptionError(
      `encrypted bytes under data key ${sealedBytesKeyId(stored)} failed authentication (tampered or wrong key)`,
    );
  }
}
