import {
  BigIntType,
  Entity,
  Enum,
  ManyToOne,
  Property,
  type Ref,
  OptionalProps,
  Check,
  Index,
  Unique,
} from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { CardProduct } from './card-product.entity';
import { Customer } from '../customers/customer.entity';
import { AccountKind, AccountStatus } from './membership.enums';

/**
 * A customer's stored value (one per customer), points (one per customer) or punch card (one per card
 * sold). Balances are a cache of the ledger: changed only next to a LedgerEntry, in the same
 * statement's transaction, under a row lock; CHECK constraints keep them from going below zero.
 */
@Entity()
// A customer's accounts in the read path's order (kind, then opening): no sort per customer.
@Index({ name: 'account_customer_index', properties: ['customer', 'kind', 'createdAt', 'id'] })
@Unique({
  name: 'account_customer_wallet_unique',
  expression: `create unique index account_customer_wallet_unique on account (customer_id, kind) where kind in ('STORED_VALUE', 'POINTS')`,
})
@Check({ name: 'account_balance_check', expression: 'principal >= 0 and bonus >= 0 and units >= 0' })
export class Account extends OrganizationScoped {
  [OptionalProps]?:
    'id' | 'createdAt' | 'updatedAt' | 'status' | 'principal' | 'bonus' | 'units' | 'startsOnFirstUse';

  @ManyToOne(() => Customer, { ref: true })
  customer!: Ref<Customer>;

  @Enum({ items: () => AccountKind, nativeEnumName: 'account_kind' })
  kind!: AccountKind;

  @ManyToOne(() => CardProduct, { ref: true, nullable: true })
  cardProduct?: Ref<CardProduct>;

  @Enum({ items: () => AccountStatus, nativeEnumName: 'account_status' })
  status: AccountStatus = AccountStatus.ACTIVE;

  /** 本金 in 分 (stored value). */
  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  principal: number = 0;

  /** 赠送 in 分 (stored value). */
  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  bonus: number = 0;

  /** Points, or uses left on a punch card. */
  @Property({ type: 'integer' })
  units: number = 0;

  /** Days of validity counted from the first use (set while not yet started). */
  @Property({ type: 'integer', nullable: true })
  validityDays?: number;

  @Property()
  startsOnFirstUse: boolean = false;

  @Property({ type: 'timestamptz', nullable: true })
  validUntil?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  firstUsedAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  frozenAt?: Date;
}
