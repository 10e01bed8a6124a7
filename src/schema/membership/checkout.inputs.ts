import { ArrayMaxSize, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { MAX_MINOR_UNITS } from '../catalogue/catalogue.inputs';
import { PaymentMethod } from '../enums.type';
import { PostingInput } from './membership.inputs';

@InputType({ description: 'A visit line paid with one use of a punch card.' })
export class PunchPaymentInput {
  @Field(() => ID)
  @IsUUID()
  visitLineId!: string;

  @Field(() => ID, { description: 'The punch card (Account) to use.' })
  @IsUUID()
  accountId!: string;
}

@InputType({ description: 'Money taken by the POS: cash, WeChat Pay, Alipay, bank card.' })
export class ExternalCheckoutPaymentInput {
  @Field(() => PaymentMethod)
  method!: PaymentMethod;

  @Field(() => Int, { description: 'In 分, > 0.' })
  @Min(1)
  @Max(MAX_MINOR_UNITS)
  amountMinorUnits!: number;

  @Field({ nullable: true })
  @MaxLength(100)
  reference?: string;
}

@InputType({
  description:
    '结账: pay a visit with any mix of punch cards (per line), stored value, points and external payments. The tier discount applies to lines not paid by punch; the rest must add up to what is due.',
})
export class SettleVisitInput extends PostingInput {
  @Field(() => ID)
  @IsUUID()
  visitId!: string;

  @Field(() => [PunchPaymentInput], { defaultValue: [] })
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  punches!: PunchPaymentInput[];

  @Field(() => [ID], {
    defaultValue: [],
    description: '优惠券 (coupon accounts) to redeem, applied after the tier discount.',
  })
  @ArrayMaxSize(5)
  @IsUUID('all', { each: true })
  couponAccountIds!: string[];

  @Field(() => Int, { defaultValue: 0, description: 'From stored value, in 分.' })
  @Min(0)
  @Max(MAX_MINOR_UNITS)
  storedValueMinorUnits!: number;

  @Field(() => Int, {
    defaultValue: 0,
    description: 'Points to redeem; each is worth Organization.pointValue.',
  })
  @Min(0)
  @Max(100_000_000)
  pointsToRedeem!: number;

  @Field(() => [ExternalCheckoutPaymentInput], { defaultValue: [] })
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  externalPayments!: ExternalCheckoutPaymentInput[];
}
