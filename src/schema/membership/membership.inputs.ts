import { ArrayMaxSize, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { MAX_MINOR_UNITS } from '../catalogue/catalogue.inputs';
import { CardProductKind, PaymentMethod } from '../enums.type';

const KEY_DESCRIPTION =
  'Idempotency key (8–100 characters): a retry with the same key and input returns the first result and posts nothing.';

/** What every ledger mutation takes: an idempotency key and the dry-run switch. */
@InputType({ description: 'Idempotency key and dry-run switch of every ledger mutation.' })
export class PostingInput {
  @Field({ description: KEY_DESCRIPTION })
  idempotencyKey!: string;

  @Field({ defaultValue: false, description: 'Validate and return the would-be result without posting.' })
  dryRun!: boolean;
}

@InputType({ description: 'A 卡项 to sell: 充1000送100 (STORED_VALUE) or 10次肩颈推拿卡 (PUNCH_CARD).' })
export class CardProductInput {
  @Field({ description: 'Unique in the organization.' })
  @Matches(/^[A-Za-z0-9_-]{1,20}$/, { message: 'code is 1–20 letters, digits, - or _' })
  code!: string;

  @Field()
  @Length(1, 100)
  name!: string;

  @Field(() => CardProductKind)
  kind!: CardProductKind;

  @Field(() => Int, { description: '售价 in 分.' })
  @Min(0)
  @Max(MAX_MINOR_UNITS)
  priceMinorUnits!: number;

  @Field(() => Int, { nullable: true, description: 'STORED_VALUE: 本金 credited, in 分; default the price.' })
  @Min(0)
  @Max(MAX_MINOR_UNITS)
  principalMinorUnits?: number;

  @Field(() => Int, { nullable: true, description: 'STORED_VALUE: 赠送 credited, in 分; default 0.' })
  @Min(0)
  @Max(MAX_MINOR_UNITS)
  bonusMinorUnits?: number;

  @Field(() => Int, { nullable: true, description: 'PUNCH_CARD: number of uses (required).' })
  @Min(1)
  @Max(1000)
  uses?: number;

  @Field(() => [ID], { nullable: true, description: 'PUNCH_CARD: services it covers (required).' })
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  serviceIds?: string[];

  @Field(() => Int, { nullable: true, description: 'COUPON: amount off a checkout, in 分 (required).' })
  @Min(1)
  @Max(MAX_MINOR_UNITS)
  couponValueMinorUnits?: number;

  @Field(() => Int, { nullable: true, description: 'COUPON: total a checkout must reach (满), in 分.' })
  @Min(0)
  @Max(MAX_MINOR_UNITS)
  couponMinSpendMinorUnits?: number;

  @Field(() => Int, { nullable: true, description: 'Days of validity; null: no expiry.' })
  @Min(1)
  @Max(3650)
  validityDays?: number;

  @Field({ nullable: true, description: 'Validity counts from the first use (首次使用起算).' })
  startsOnFirstUse?: boolean;
}

@InputType({ description: 'Money taken outside the ledger for a sale, recorded by the POS.' })
export class ExternalPaymentInput {
  @Field(() => PaymentMethod)
  method!: PaymentMethod;

  @Field({ nullable: true, description: 'e.g. the WeChat Pay transaction id.' })
  @MaxLength(100)
  reference?: string;
}

@InputType({ description: '售卡 / 充值: sell a card product to a customer.' })
export class SellCardInput extends PostingInput {
  @Field(() => ID)
  @IsUUID()
  customerId!: string;

  @Field(() => ID)
  @IsUUID()
  cardProductId!: string;

  @Field(() => ID, { nullable: true })
  @IsUUID()
  storeId?: string;

  @Field(() => ExternalPaymentInput, {
    nullable: true,
    description: 'Required unless the card is free (a coupon given away).',
  })
  payment?: ExternalPaymentInput;
}

@InputType({ description: '储值消费: take money from the customer’s stored value.' })
export class ChargeStoredValueInput extends PostingInput {
  @Field(() => ID)
  @IsUUID()
  customerId!: string;

  @Field(() => Int, { description: 'Amount in 分, > 0.' })
  @Min(1)
  @Max(MAX_MINOR_UNITS)
  amountMinorUnits!: number;

  @Field(() => ID, { nullable: true })
  @IsUUID()
  storeId?: string;

  @Field({ nullable: true })
  @MaxLength(200)
  note?: string;
}

@InputType({ description: '核销: use one punch of a card for a service.' })
export class RedeemPunchInput extends PostingInput {
  @Field(() => ID)
  @IsUUID()
  accountId!: string;

  @Field(() => ID)
  @IsUUID()
  serviceId!: string;

  @Field(() => ID, { nullable: true })
  @IsUUID()
  storeId?: string;
}

@InputType({ description: 'Earn or redeem 积分.' })
export class PointsInput extends PostingInput {
  @Field(() => ID)
  @IsUUID()
  customerId!: string;

  @Field(() => Int, { description: 'Points, > 0.' })
  @Min(1)
  @Max(100_000_000)
  points!: number;

  @Field({ description: 'Why, e.g. 生日双倍积分, 兑换毛巾.' })
  @Length(1, 200)
  note!: string;
}

@InputType({ description: '冲正: undo a ledger entry with a linked reversing entry.' })
export class ReverseEntryInput extends PostingInput {
  @Field(() => ID)
  @IsUUID()
  entryId!: string;

  @Field({ description: 'Why, required.' })
  @Length(1, 200)
  reason!: string;
}

@InputType({
  description: '退卡: pay back the remaining principal of the stored value; the bonus is forfeited.',
})
export class RefundStoredValueInput extends PostingInput {
  @Field(() => ID)
  @IsUUID()
  customerId!: string;

  @Field(() => ExternalPaymentInput, { description: 'How the money goes back.' })
  payment!: ExternalPaymentInput;

  @Field({ description: 'Why, required.' })
  @Length(1, 200)
  reason!: string;
}
