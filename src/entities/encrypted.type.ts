import { Type, type Platform, type TransformContext } from '@mikro-orm/core';
import { isSealed } from '../core/crypto/envelope';
import { keyRing } from '../core/crypto/key-ring';

/**
 * Health text stored encrypted (docs/architecture.md, "Encryption at rest"). The entity holds the
 * plaintext; the column holds `v1.<keyId>.<iv>.<ciphertext+tag>`.
 *
 * Reading opens a value synchronously from the process's key ring (src/core/crypto/key-ring.ts), for
 * entities and for the plain rows of src/services/rows.ts alike. Sealing needs the row's
 * organization, which a type never sees: a flush seals in src/services/crypto/encryption.subscriber.ts
 * (onFlush, from the change set's entity), and a plain insert (`insertMany`) seals its rows first
 * (sealRows). The database value of the snapshot MikroORM compares is the plaintext, so a load and a
 * flush without a change write nothing (random IVs would otherwise differ on every comparison).
 * A plaintext value reaching a statement by any other way is refused, never written.
 */
export abstract class EncryptedType<T> extends Type<T | null | undefined, string | null | undefined> {
  /** The plaintext text of a JS value (what is sealed). */
  abstract toText(value: T): string;
  abstract fromText(text: string): T;

  override convertToDatabaseValue(
    value: T | string | null | undefined,
    _platform: Platform,
    context?: TransformContext,
  ): string | null | undefined {
    if (value === null || value === undefined) return value as null | undefined;
    if (typeof value === 'string' && isSealed(value)) return value;
    const text = this.plaintextOf(value);
    if (context?.mode === 'query-data' || context?.mode === 'query')
      throw new Error(
        `${this.constructor.name}: a plaintext health value reached a statement unsealed (seal it: src/services/crypto/seal.ts)`,
      );
    return text;
  }

  override convertToJSValue(value: string | T | null | undefined, _platform: Platform): T | null | undefined {
    if (value === null || value === undefined) return value as null | undefined;
    if (typeof value !== 'string') return value;
    const opened = keyRing.openSealed(value);
    if (opened !== undefined) return this.fromText(opened);
    // Plaintext from before the encryption, or the snapshot's own plaintext text.
    return this.textIsValue ? (value as T) : this.fromText(value);
  }

  /** The text sealed for a value: a json value's text given as a string (a snapshot's) is that text. */
  plaintextOf(value: T | string): string {
    return typeof value === 'string' && !this.textIsValue ? value : this.toText(value as T);
  }

  /** Whether the JS value is the text itself (a string column). */
  protected get textIsValue(): boolean {
    return false;
  }

  override compareAsType(): string {
    return 'string';
  }

  override getColumnType(): string {
    return 'text';
  }
}

/** A text column (substance, notes…). */
export class EncryptedText extends EncryptedType<string> {
  toText(value: string): string {
    return value;
  }

  fromText(text: string): string {
    return text;
  }

  protected override get textIsValue(): boolean {
    return true;
  }
}

/** A json value (lifestyle, skin profile, a text list) stored as one sealed text. */
export class EncryptedJson<T = unknown> extends EncryptedType<T> {
  toText(value: T): string {
    return JSON.stringify(value);
  }

  fromText(text: string): T {
    return JSON.parse(text) as T;
  }
}
