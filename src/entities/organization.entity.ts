import { randomUUID } from 'node:crypto';
import { Entity, Enum, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';
import { SpendingOrder } from './enums';

/** A business or chain of stores; the tenant boundary. */
@Entity()
export class Organization {
  [OptionalProps]?:
    | 'id'
    | 'timezone'
    | 'currency'
    | 'dormantAfterDays'
    | 'lostAfterDays'
    | 'lastCustomerNumber'
    | 'spendingOrder'
    | 'pointsPerYuan'
    | 'pointsValidityDays'
    | 'pointValueMinorUnits'
    | 'tierWindowDays'
    | 'referralRewardPoints'
    | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ length: 100 })
  name!: string;

  @Property({ length: 64 })
  timezone: string = 'Asia/Shanghai';

  @Property({ length: 3 })
  currency: string = 'CNY';

  /** Days without a visit after which a customer counts as DORMANT (休眠). */
  @Property({ type: 'integer' })
  dormantAfterDays: number = 90;

  /** Days without a visit after which a customer counts as LOST (流失). */
  @Property({ type: 'integer' })
  lostAfterDays: number = 180;

  /** Last customer code number handed out; incremented atomically in SQL. */
  @Property({ type: 'integer' })
  lastCustomerNumber: number = 0;

  /** Order in which stored value is spent: bonus last by default. */
  @Enum({ items: () => SpendingOrder, nativeEnumName: 'spending_order' })
  spendingOrder: SpendingOrder = SpendingOrder.BONUS_LAST;

  /** 积分 earned per ¥1 paid, before the tier's multiplier. */
  @Property({ type: 'integer' })
  pointsPerYuan: number = 1;

  /** Days earned points stay valid; null: they never expire. */
  @Property({ type: 'integer', nullable: true })
  pointsValidityDays?: number = 365;

  /** What one point is worth when paying, in 分 (1: 100 points pay ¥1). */
  @Property({ type: 'integer' })
  pointValueMinorUnits: number = 1;

  /** The rolling window tiers are evaluated over, in days. */
  @Property({ type: 'integer' })
  tierWindowDays: number = 365;

  /** 推荐奖励: points for the referrer when a referred customer first pays; 0: none. */
  @Property({ type: 'integer' })
  referralRewardPoints: number = 500;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
