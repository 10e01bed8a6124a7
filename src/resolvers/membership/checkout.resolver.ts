import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Settlement } from '../../entities';
import type { AppContext } from '../context';
import type { RowOf } from '../../services/rows';
import { SettleVisitInput } from '../../schema/membership/checkout.inputs';
import { CheckoutPayloadType, SettlementType } from '../../schema/membership/checkout.type';
import { money } from '../../schema/money.type';
import { inCurrency } from '../money-field';
import { tierOf } from './membership-tier.resolver';

/** 结账: the mutation; the rules are in services/membership/checkout.service.ts. */
@Resolver()
export class CheckoutResolver {
  @Mutation(() => CheckoutPayloadType, {
    description:
      '结账: settle a visit in one transaction (punch, stored value, points, external payments; tier discount; points earned; tier re-evaluated; referrer rewarded on the first payment). Idempotent by idempotencyKey; dryRun validates only.',
  })
  settleVisit(@Arg('input') input: SettleVisitInput, @Ctx() context: AppContext) {
    return context.services.checkout.settle(input);
  }
}

@Resolver(() => SettlementType)
export class SettlementFieldsResolver {
  @FieldResolver()
  visitId(@Root() settlement: RowOf<Settlement>) {
    return settlement.visit.id;
  }

  @FieldResolver()
  tier(@Root() settlement: RowOf<Settlement>, @Ctx() context: AppContext) {
    return tierOf(context, settlement.tier);
  }

  @FieldResolver()
  subtotal(@Root() settlement: RowOf<Settlement>, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.subtotal);
  }

  @FieldResolver()
  discount(@Root() settlement: RowOf<Settlement>, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.discount);
  }

  @FieldResolver()
  couponDiscount(@Root() settlement: RowOf<Settlement>, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.couponDiscount);
  }

  @FieldResolver()
  due(@Root() settlement: RowOf<Settlement>, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.due);
  }

  @FieldResolver()
  storedValuePaid(@Root() settlement: RowOf<Settlement>, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.storedValuePaid);
  }

  @FieldResolver()
  pointsValue(@Root() settlement: RowOf<Settlement>, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.pointsValue);
  }

  @FieldResolver()
  async externalPayments(@Root() settlement: RowOf<Settlement>, @Ctx() context: AppContext) {
    const currency = (await context.loaders.organization()).currency;
    return settlement.externalPayments.map((payment) => ({
      ...payment,
      amount: money(payment.amount, currency),
    }));
  }
}
