import { Entity, ManyToOne, Property, type Ref, Unique, OptionalProps, Check } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { User } from '../staff/user.entity';
import { TextArrayType } from '../text-array.type';

/** A credential for an integration (role INTEGRATION). Only a hash of the secret is kept. */
@Entity()
@Check({ name: 'api_key_rate_limit_positive', expression: 'rate_limit_per_minute > 0' })
export class ApiKey extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'scopes';

  @Property({ length: 100 })
  name!: string;

  /** Public part of the key, used to find the row before verifying the secret. */
  @Property({ length: 32 })
  @Unique()
  prefix!: string;

  @Property({ length: 200, hidden: true, lazy: true })
  secretHash!: string;

  @Property({ type: TextArrayType, columnType: 'text[]' })
  scopes: string[] = [];

  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date;

  /** Query cost points per minute this key may spend; unset: API_KEY_RATE_LIMIT_PER_MINUTE. */
  @Property({ type: 'integer', nullable: true })
  rateLimitPerMinute?: number;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt?: Date;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  createdBy?: Ref<User>;
}
