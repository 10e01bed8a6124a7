import { Field, ID, Int, ObjectType } from 'type-graphql';
import { LedgerEntryType } from './account.type';
import { PaymentMethod } from './enums.type';
import { Money } from './money.type';

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

@ObjectType('ExternalPayment')
export class ExternalPaymentType {
  @Field(() => PaymentMethod)
  method!: PaymentMethod;

  @Field(() => Money)
  amount!: Money;

  @Field(() => String, { nullable: true })
  reference?: string;
}

@ObjectType('Settlement', { description: '结账 of a visit.' })
export class SettlementType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  visitId!: string;

  @Field(() => MembershipTierType, { nullable: true, description: 'The tier whose discount applied.' })
  tier?: MembershipTierType;

  @Field(() => Money, { description: 'List prices of the lines not paid by punch card.' })
  subtotal!: Money;

  @Field(() => Money)
  discount!: Money;

  @Field(() => Money, { description: '优惠券 redeemed.' })
  couponDiscount!: Money;

  @Field(() => Money, { description: 'What the payments covered.' })
  due!: Money;

  @Field(() => Money)
  storedValuePaid!: Money;

  @Field(() => Int)
  pointsRedeemed!: number;

  @Field(() => Money)
  pointsValue!: Money;

  @Field(() => [ExternalPaymentType])
  externalPayments!: ExternalPaymentType[];

  @Field(() => Int)
  punchesUsed!: number;

  @Field(() => Int)
  pointsEarned!: number;

  @Field()
  createdAt!: Date;
}

@ObjectType('CheckoutPayload')
export class CheckoutPayloadType {
  @Field(() => SettlementType)
  settlement!: SettlementType;

  @Field(() => [LedgerEntryType], { description: 'Every entry posted, incl. a referrer’s reward.' })
  entries!: LedgerEntryType[];

  @Field({ description: 'True: validated only, nothing posted.' })
  dryRun!: boolean;
}
