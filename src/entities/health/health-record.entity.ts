import { Entity, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import type { Customer } from '../customers/customer.entity';
import { User } from '../staff/user.entity';
import { EncryptedText } from '../encrypted.type';

/** Common columns of the dated health records kept per customer. */
@Entity({ abstract: true })
export abstract class HealthRecord extends OrganizationScoped {
  // Each table indexes (customer, recordedAt, id): the read path lists a customer's records oldest
  // first, and the index gives that order without a sort per customer.
  @ManyToOne({ entity: 'Customer', ref: true, deleteRule: 'cascade' })
  customer!: Ref<Customer>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  recordedBy?: Ref<User>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  recordedAt: Date = new Date();

  @Property({ type: EncryptedText, columnType: 'text', nullable: true })
  note?: string;
}
