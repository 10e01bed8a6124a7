import { Entity, ManyToOne, PrimaryKeyProp, Property, type Ref, OptionalProps, Index } from '@mikro-orm/core';
import { Organization } from '../organization/organization.entity';
import type { Customer } from './customer.entity';
import { Tag } from './tag.entity';

/** Pivot between customers and tags; it carries the organization like every other table. */
@Entity()
@Index({ name: 'customer_tag_tag_index', properties: ['tag'] })
export class CustomerTag {
  [OptionalProps]?: 'createdAt';

  @ManyToOne({ entity: 'Customer', primary: true, deleteRule: 'cascade' })
  customer!: Customer;

  @ManyToOne({ entity: () => Tag, primary: true, deleteRule: 'cascade' })
  tag!: Tag;

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  [PrimaryKeyProp]?: ['customer', 'tag'];
}
