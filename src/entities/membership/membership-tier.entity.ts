import { Entity, Property, Unique, OptionalProps, Check } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';

/**
 * 会员等级 such as 普通 / 银卡 / 金卡 / 白金. A customer holds the highest-ranked tier whose thresholds
 * their spend and visits over the organization's rolling window meet; evaluation moves them up or down.
 */
@Entity()
@Check({
  name: 'membership_tier_values_check',
  expression:
    'rank >= 0 and discount_basis_points >= 0 and discount_basis_points <= 10000 and points_multiplier_percent >= 0 and points_multiplier_percent <= 1000 and min_spend >= 0 and min_visits >= 0',
})
@Unique({ properties: ['organization', 'rank'] })
@Unique({ properties: ['organization', 'name'] })
export class MembershipTier extends OrganizationScoped {
  [OptionalProps]?:
    | 'id'
    | 'createdAt'
    | 'updatedAt'
    | 'discountBasisPoints'
    | 'pointsMultiplierPercent'
    | 'minSpend'
    | 'minVisits';

  @Property({ length: 30 })
  name!: string;

  /** Higher is better; 0 is the entry tier. */
  @Property({ type: 'integer' })
  rank!: number;

  /** Discount on services in basis points: 1200 is 12% off (8.8折). */
  @Property({ type: 'integer' })
  discountBasisPoints: number = 0;

  /** Points earned in percent of the base rate: 150 is 1.5×. */
  @Property({ type: 'integer' })
  pointsMultiplierPercent: number = 100;

  @Property({ length: 500, nullable: true })
  benefits?: string;

  /** Spend (分) over the window needed to hold the tier. */
  @Property({ type: 'integer' })
  minSpend: number = 0;

  /** Visits over the window needed to hold the tier. */
  @Property({ type: 'integer' })
  minVisits: number = 0;
}
