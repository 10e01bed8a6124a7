import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '../money.type';
import { ReportPeriod } from './report-period.type';

@ObjectType({
  description:
    '营业额 two ways, never added together: cashReceived 收款 (money taken in) and servicesConsumed 消耗 (what was used).',
})
export class RevenueFigures {
  @Field(() => Money, { description: '收款: cardSales + checkoutPayments.' })
  cashReceived!: Money;

  @Field(() => Money, {
    description:
      'Money taken for cards (stored value, punch cards, coupons), less refunds and reversed sales.',
  })
  cardSales!: Money;

  @Field(() => Money, {
    description:
      'External payments of checkouts (cash, WeChat Pay …); not the stored value or points they used.',
  })
  checkoutPayments!: Money;

  @Field(() => Money, {
    description:
      '消耗: settled visits at their lines’ list prices less tier discounts and coupons, whatever paid them (stored value, points, money, punches at the list price).',
  })
  servicesConsumed!: Money;

  @Field(() => Int, { description: 'Settled visits.' })
  settlements!: number;

  @Field(() => Money, { description: '客单价: servicesConsumed / settlements, rounded down.' })
  averageTicket!: Money;
}

@ObjectType({ description: 'The revenue figures of one bucket (its dates clipped to the period).' })
export class RevenueBucket extends RevenueFigures {
  @Field()
  from!: string;

  @Field()
  to!: string;
}

@ObjectType({ description: '营业额 per bucket of the period, with the totals of the period, 环比 and 同比.' })
export class RevenueReport {
  @Field(() => ReportPeriod)
  period!: ReportPeriod;

  @Field(() => [RevenueBucket], { description: 'Every bucket of the period, zero-filled.' })
  buckets!: RevenueBucket[];

  @Field(() => RevenueFigures)
  total!: RevenueFigures;

  @Field(() => RevenueFigures, { description: '环比: the previous period.' })
  previous!: RevenueFigures;

  @Field(() => RevenueFigures, { description: '同比: the same period last year.' })
  lastYear!: RevenueFigures;
}

@ObjectType({ description: '项目排行: one service, by the times it was given in the period.' })
export class ServiceRank {
  @Field(() => ID)
  serviceId!: string;

  @Field()
  name!: string;

  @Field(() => Int, { description: 'Visit lines of the service in the period.' })
  count!: number;

  @Field(() => Money, { description: 'Those lines at list price, before tier discounts and coupons.' })
  revenue!: Money;
}

@ObjectType({ description: '储值负债 now: what is owed to customers, from the account balances.' })
export class LiabilitiesReport {
  @Field(() => Money, { description: '本金 of all stored-value accounts.' })
  storedValuePrincipal!: Money;

  @Field(() => Money, { description: '赠送 of all stored-value accounts (given, not paid for).' })
  storedValueBonus!: Money;

  @Field(() => Int, { description: 'Uses left on punch cards, expired cards included.' })
  unusedPunches!: number;

  @Field(() => Money, {
    description:
      'Those uses at what they were sold for: uses left × card price / card uses, per card, rounded down.',
  })
  unusedPunchValue!: Money;

  @Field(() => Int, { description: '积分 outstanding.' })
  pointsOutstanding!: number;

  @Field(() => Money, { description: 'Those points at the organization’s point value.' })
  pointsValue!: Money;

  @Field(() => Int, { description: 'Customers with stored value left.' })
  storedValueHolders!: number;
}
