import {
  Collection,
  Entity,
  Enum,
  ManyToMany,
  Property,
  Unique,
  OptionalProps,
  Check,
} from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { CardProductKind } from './membership.enums';
import { ServiceItem } from '../catalogue/service-item.entity';

/** 卡项 the business sells or gives: 充1000送100, 10次肩颈推拿卡, or a coupon (满200减30). */
@Entity()
@Check({
  name: 'card_product_values_check',
  expression: `price >= 0 and principal >= 0 and bonus >= 0 and (uses is null or uses > 0) and (validity_days is null or validity_days > 0) and (kind <> 'PUNCH_CARD' or uses is not null)`,
})
@Check({
  name: 'card_product_coupon_check',
  expression:
    '(coupon_value is null or coupon_value > 0) and (coupon_min_spend is null or coupon_min_spend >= 0)',
})
@Unique({ properties: ['organization', 'code'] })
export class CardProduct extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'active' | 'bonus' | 'startsOnFirstUse' | 'principal';

  @Property({ length: 20 })
  code!: string;

  @Property({ length: 100 })
  name!: string;

  @Enum({ items: () => CardProductKind, nativeEnumName: 'card_product_kind' })
  kind!: CardProductKind;

  /** 售价 the customer pays, in 分. */
  @Property({ type: 'integer' })
  price!: number;

  /** Stored value credited as principal (本金), in 分; usually the price. */
  @Property({ type: 'integer' })
  principal: number = 0;

  /** Stored value credited as bonus (赠送), in 分. */
  @Property({ type: 'integer' })
  bonus: number = 0;

  /** Uses of a punch card. */
  @Property({ type: 'integer', nullable: true })
  uses?: number;

  /** Services a punch card covers. */
  @ManyToMany(() => ServiceItem, undefined, { pivotTable: 'card_product_service' })
  services = new Collection<ServiceItem>(this);

  /** COUPON: amount off a checkout, in 分. */
  @Property({ type: 'integer', nullable: true })
  couponValue?: number;

  /** COUPON: the list total (after the tier discount) a checkout must reach, in 分. */
  @Property({ type: 'integer', nullable: true })
  couponMinSpend?: number;

  /** Days the card is valid; null: no expiry. */
  @Property({ type: 'integer', nullable: true })
  validityDays?: number;

  /** The validity starts at the first use instead of the sale (首次使用起算). */
  @Property()
  startsOnFirstUse: boolean = false;

  @Property()
  active: boolean = true;
}
