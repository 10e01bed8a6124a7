import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '../money.type';

@ObjectType('MembershipTier', {
  description: '会员等级 with its discount, points multiplier, benefits and thresholds.',
})
export class MembershipTierType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Int, { description: 'Higher is better; 0 is the entry tier.' })
  rank!: number;

  @Field(() => Int, { description: 'Discount on services in basis points: 1200 = 12% off (8.8折).' })
  discountBasisPoints!: number;

  @Field(() => Int, { description: 'Points multiplier in percent: 150 = 1.5×.' })
  pointsMultiplierPercent!: number;

  @Field(() => String, { nullable: true, description: '权益.' })
  benefits?: string;

  @Field(() => Money, { description: 'Spend over the rolling window to hold it.' })
  minSpend!: Money;

  @Field(() => Int, { description: 'Visits over the rolling window to hold it.' })
  minVisits!: number;
}

@ObjectType('TierChange', { description: 'A move between tiers and the figures that decided it.' })
export class TierChangeType {
  @Field(() => MembershipTierType, { nullable: true })
  fromTier?: MembershipTierType;

  @Field(() => MembershipTierType, { nullable: true })
  toTier?: MembershipTierType;

  @Field()
  reason!: string;

  @Field()
  createdAt!: Date;
}
