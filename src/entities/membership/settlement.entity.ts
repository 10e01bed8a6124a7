import {
  BigIntType,
  Entity,
  ManyToOne,
  OneToOne,
  Property,
  type Ref,
  OptionalProps,
  Check,
  Index,
} from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { Customer } from '../customers/customer.entity';
import { MembershipTier } from './membership-tier.entity';
import { Visit } from '../visits/visit.entity';

/** Money taken outside the ledger at checkout. */
export interface ExternalPayment {
  method: string;
  amount: number;
  reference?: string;
}

/** 结账 of a visit: once per visit; its ledger entries share its operationId. */
@Entity()
@Index({ name: 'settlement_customer_index', properties: ['customer', 'createdAt'] })
// The reports' settlements of a period (Migration20261202100000_report_rollups).
@Index({ name: 'settlement_organization_created_index', properties: ['organization', 'createdAt'] })
@Check({
  name: 'settlement_amounts_check',
  expression:
    'subtotal >= 0 and discount >= 0 and discount <= subtotal and coupon_discount >= 0 and due = subtotal - discount - coupon_discount and due >= 0 and stored_value_paid >= 0 and points_redeemed >= 0 and points_value >= 0 and points_earned >= 0',
})
export class Settlement extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'couponDiscount';

  @OneToOne(() => Visit, { ref: true, owner: true, unique: true })
  visit!: Ref<Visit>;

  @ManyToOne(() => Customer, { ref: true })
  customer!: Ref<Customer>;

  @ManyToOne(() => MembershipTier, { ref: true, nullable: true })
  tier?: Ref<MembershipTier>;

  /** List prices of the lines not covered by a punch card. */
  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  subtotal!: number;

  /** The tier's discount. */
  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  discount!: number;

  /** Coupons redeemed, in 分. */
  @Property({ type: new BigIntType('number'), columnType: 'bigint', default: 0 })
  couponDiscount: number = 0;

  /** subtotal − discount − couponDiscount: what the payments cover. */
  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  due!: number;

  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  storedValuePaid!: number;

  @Property({ type: 'integer' })
  pointsRedeemed!: number;

  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  pointsValue!: number;

  @Property({ type: 'json' })
  externalPayments!: ExternalPayment[];

  @Property({ type: 'integer' })
  punchesUsed!: number;

  @Property({ type: 'integer' })
  pointsEarned!: number;

  @Property({ type: 'uuid' })
  operationId!: string;
}
