import { randomUUID } from 'node:crypto';
import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * An organization's data key (docs/architecture.md, "Encryption at rest"): 32 random bytes that seal
 * its health values, stored only wrapped by the master key (`MASTER_KEY`, never in the database).
 * New values are sealed with the newest key not retired; a retired key still opens old values (and
 * backups taken before the re-encryption) and seals nothing.
 */
@Entity({ tableName: 'data_key' })
@Index({ properties: ['organizationId', 'createdAt'] })
export class DataKey {
  [OptionalProps]?: 'id' | 'createdAt' | 'retiredAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /**
   * No foreign key: a flush that creates an organization and its first health values needs the key
   * before the organization's row is inserted, and the key is written on its own connection (it must
   * never be rolled back after a value was sealed with it: src/core/crypto/data-keys.ts).
   */
  @Property({ type: 'uuid' })
  organizationId!: string;

  /** AES-256-GCM under the master key: `<iv>.<ciphertext+tag>` base64url, bound to this id. */
  @Property({ type: 'text' })
  wrappedKey!: string;

  /** Which master key wrapped it (src/core/crypto/envelope.ts masterKeyId): a wrong MASTER_KEY shows at start. */
  @Property({ length: 16 })
  masterKeyId!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  retiredAt?: Date;
}
