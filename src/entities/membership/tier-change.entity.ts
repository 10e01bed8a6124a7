import { Entity, ManyToOne, Property, type Ref, OptionalProps, Index } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { Customer } from '../customers/customer.entity';
import { MembershipTier } from './membership-tier.entity';

/** One move between tiers, with the figures that decided it (append-only history). */
@Entity()
@Index({
  name: 'tier_change_customer_index',
  expression: 'create index tier_change_customer_index on tier_change (customer_id, created_at desc)',
})
export class TierChange extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @ManyToOne(() => Customer, { ref: true })
  customer!: Ref<Customer>;

  @ManyToOne(() => MembershipTier, { ref: true, nullable: true })
  fromTier?: Ref<MembershipTier>;

  @ManyToOne(() => MembershipTier, { ref: true, nullable: true })
  toTier?: Ref<MembershipTier>;

  /** e.g. "近365天消费 ¥12,800.00, 到店 14 次". */
  @Property({ length: 200 })
  reason!: string;
}
