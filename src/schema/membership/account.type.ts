import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ServiceItemType } from '../catalogue/catalogue.type';
import { Connection } from '../connection.type';
import { AccountKind, AccountStatus, CardProductKind, LedgerEntryKind, PaymentMethod } from '../enums.type';
import { Money } from '../money.type';

@ObjectType('CardProduct', { description: '卡项 for sale: 充1000送100, 10次肩颈推拿卡 …' })
export class CardProductType {
  @Field(() => ID)
  id!: string;

  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field(() => CardProductKind)
  kind!: CardProductKind;

  @Field(() => Money, { description: '售价.' })
  price!: Money;

  @Field(() => Money, { description: 'STORED_VALUE: 本金 credited.' })
  principal!: Money;

  @Field(() => Money, { description: 'STORED_VALUE: 赠送 credited.' })
  bonus!: Money;

  @Field(() => Int, { nullable: true, description: 'PUNCH_CARD: uses.' })
  uses?: number;

  @Field(() => [ServiceItemType], { description: 'PUNCH_CARD: services covered.' })
  services!: ServiceItemType[];

  @Field(() => Money, { nullable: true, description: 'COUPON: amount off.' })
  couponValue?: Money;

  @Field(() => Money, { nullable: true, description: 'COUPON: total a checkout must reach (满).' })
  couponMinSpend?: Money;

  @Field(() => Int, { nullable: true, description: 'Days of validity; null: none.' })
  validityDays?: number;

  @Field({ description: 'Validity counts from the first use.' })
  startsOnFirstUse!: boolean;

  @Field()
  active!: boolean;
}

@ObjectType('Account', {
  description:
    "A customer's 储值 (one), 积分 (one) or 计次卡 (one per card sold). Balances come from the ledger.",
})
export class AccountType {
  @Field(() => ID)
  id!: string;

  @Field(() => AccountKind)
  kind!: AccountKind;

  @Field(() => AccountStatus)
  status!: AccountStatus;

  @Field({ description: 'The card product name, or 储值账户 / 积分账户.' })
  name!: string;

  @Field(() => CardProductType, { nullable: true })
  cardProduct?: CardProductType;

  @Field(() => Money, { description: 'STORED_VALUE: 本金.' })
  principal!: Money;

  @Field(() => Money, { description: 'STORED_VALUE: 赠送.' })
  bonus!: Money;

  @Field(() => Money, { description: 'STORED_VALUE: principal + bonus, what can be spent.' })
  balance!: Money;

  @Field(() => Int, { description: 'POINTS: points; PUNCH_CARD: uses left.' })
  units!: number;

  @Field(() => Date, {
    nullable: true,
    description: 'Expiry; null while a first-use card is unused, or never.',
  })
  validUntil?: Date;

  @Field(() => Date, { nullable: true })
  firstUsedAt?: Date;

  @Field(() => Date, { nullable: true })
  frozenAt?: Date;

  @Field()
  createdAt!: Date;
}

@ObjectType('LedgerEntry', { description: 'One append-only movement; corrections are REVERSAL entries.' })
export class LedgerEntryType {
  @Field(() => ID)
  id!: string;

  @Field(() => LedgerEntryKind)
  kind!: LedgerEntryKind;

  @Field(() => AccountType)
  account!: AccountType;

  @Field(() => Money, { description: 'Change of 本金.' })
  principalDelta!: Money;

  @Field(() => Money, { description: 'Change of 赠送.' })
  bonusDelta!: Money;

  @Field(() => Int, { description: 'Change of points or uses.' })
  unitsDelta!: number;

  @Field(() => Money)
  principalAfter!: Money;

  @Field(() => Money)
  bonusAfter!: Money;

  @Field(() => Int)
  unitsAfter!: number;

  @Field(() => ID, { nullable: true, description: 'The entry this one reverses.' })
  reversesId?: string;

  @Field(() => ID, { description: 'Entries of one request share it.' })
  operationId!: string;

  @Field(() => ID, { nullable: true })
  storeId?: string;

  @Field(() => ID, { nullable: true })
  visitId?: string;

  @Field(() => ID, { nullable: true, description: 'PUNCH: the service used.' })
  serviceId?: string;

  @Field(() => Money, {
    nullable: true,
    description: 'Money taken (or paid back when negative) outside the ledger.',
  })
  amountPaid?: Money;

  @Field(() => PaymentMethod, { nullable: true })
  paymentMethod?: PaymentMethod;

  @Field(() => String, { nullable: true })
  paymentReference?: string;

  @Field(() => Date, { nullable: true, description: 'EARN: when these points expire.' })
  expiresAt?: Date;

  @Field(() => String, { nullable: true })
  note?: string;

  @Field()
  createdAt!: Date;
}

@ObjectType()
export class LedgerEntryConnection extends Connection('LedgerEntry', LedgerEntryType) {}

@ObjectType('LedgerPosting', { description: 'What a ledger mutation posted, or would post (dryRun).' })
export class LedgerPostingType {
  @Field(() => ID)
  operationId!: string;

  @Field({ description: 'True: validated only, nothing posted.' })
  dryRun!: boolean;

  @Field(() => [LedgerEntryType])
  entries!: LedgerEntryType[];
}

@ObjectType('BalanceMismatch')
export class BalanceMismatchType {
  @Field(() => AccountType)
  account!: AccountType;

  @Field(() => Money, { description: '本金 recomputed from the entries.' })
  principal!: Money;

  @Field(() => Money)
  bonus!: Money;

  @Field(() => Int)
  units!: number;
}

@ObjectType('LedgerCheck', { description: 'Cached balances recomputed from the ledger.' })
export class LedgerCheckType {
  @Field(() => Int)
  accountsChecked!: number;

  @Field(() => [BalanceMismatchType], { description: 'Empty when every balance equals its entries.' })
  mismatches!: BalanceMismatchType[];
}
