import { randomUUID } from 'node:crypto';
import { BigIntType, Entity, Enum, PrimaryKey, Property, OptionalProps, Check } from '@mikro-orm/core';
import { SpendingOrder } from '../membership/membership.enums';

/** A holiday the business sends greetings for (节日问候); dates are explicit because 春节 and 中秋 move. */
export interface CareHoliday {
  /** YYYY-MM-DD */
  date: string;
  name: string;
}

/** A business or chain of stores; the tenant boundary. */
@Entity()
@Check({
  name: 'organization_membership_check',
  expression:
    'points_per_yuan >= 0 and point_value_minor_units > 0 and tier_window_days > 0 and referral_reward_points >= 0',
})
@Check({
  name: 'organization_care_check',
  expression:
    'visit_follow_up_after_hours >= 0 and visit_follow_up_within_hours > visit_follow_up_after_hours and greeting_lead_days >= 0 and greeting_lead_days <= 60 and (wake_up_after_days is null or wake_up_after_days > 0) and card_expiry_reminder_days >= 0 and low_balance_threshold >= 0 and marketing_cap_count >= 0 and marketing_cap_days > 0',
})
@Check({
  name: 'organization_retention_check',
  expression:
    'erase_lost_customers_after_years is null or (erase_lost_customers_after_years >= 1 and erase_lost_customers_after_years <= 100)',
})
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
    | 'visitFollowUpAfterHours'
    | 'visitFollowUpWithinHours'
    | 'greetingLeadDays'
    | 'cardExpiryReminderDays'
    | 'lowBalanceThreshold'
    | 'marketingCapCount'
    | 'marketingCapDays'
    | 'careHolidays'
    | 'eraseLostCustomersAfterYears'
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

  /** 回访 becomes due this many hours after a visit … */
  @Property({ type: 'integer' })
  visitFollowUpAfterHours: number = 24;

  /** … and must be done within this many hours of the visit (24–48 h in the seeds). */
  @Property({ type: 'integer' })
  visitFollowUpWithinHours: number = 48;

  /** Birthday and holiday greeting tasks appear this many days ahead. */
  @Property({ type: 'integer' })
  greetingLeadDays: number = 3;

  /** 沉睡客户唤醒 after this many days without a visit; null: at dormantAfterDays. */
  @Property({ type: 'integer', nullable: true })
  wakeUpAfterDays?: number;

  /** Remind this many days before a punch card with uses left expires. */
  @Property({ type: 'integer' })
  cardExpiryReminderDays: number = 14;

  /** Remind when stored value (principal + bonus) falls below this, in 分; 0: never. */
  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  lowBalanceThreshold: number = 10_000;

  /** Default frequency cap: at most this many marketing tasks per customer … */
  @Property({ type: 'integer' })
  marketingCapCount: number = 4;

  /** … within this many days. */
  @Property({ type: 'integer' })
  marketingCapDays: number = 30;

  @Property({ type: 'json', defaultRaw: `'[]'` })
  careHolidays: CareHoliday[] = [];

  /**
   * Retention rule: LOST customers without a visit for this many years are erased by the
   * customer-retention job (src/jobs/customer-retention.job.ts); null: off (the default).
   */
  @Property({ type: 'integer', nullable: true })
  eraseLostCustomersAfterYears?: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
