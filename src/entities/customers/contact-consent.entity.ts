import { Entity, Enum, ManyToOne, Property, type Ref, OptionalProps, Unique } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { Customer } from './customer.entity';
import { ContactChannel } from './customers.enums';
import { User } from '../staff/user.entity';

/**
 * A customer's current marketing consent on one channel, with when and how it was given or
 * withdrawn. Every change is also an audit event, so the history survives.
 */
@Entity()
@Unique({ properties: ['customer', 'channel'] })
export class ContactConsent extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @ManyToOne(() => Customer, { ref: true, deleteRule: 'cascade' })
  customer!: Ref<Customer>;

  @Enum({ items: () => ContactChannel, nativeEnumName: 'contact_channel' })
  channel!: ContactChannel;

  @Property()
  granted!: boolean;

  /** Where it was given, e.g. 到店签字, 小程序勾选. */
  @Property({ length: 100 })
  source!: string;

  @Property({ type: 'timestamptz' })
  recordedAt!: Date;

  @ManyToOne(() => User, { ref: true, nullable: true })
  recordedBy?: Ref<User>;
}
