import { Field, ID, Int, ObjectType } from 'type-graphql';
import { LedgerEntryType } from './account.type';
import { MembershipTierType } from './membership-tier.type';
import { PaymentMethod } from '../enums.type';
import { Money } from '../money.type';

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
