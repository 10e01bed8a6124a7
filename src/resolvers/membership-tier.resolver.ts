import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Customer, MembershipTier, Settlement, TierChange } from '../entities';
import type { AppContext } from '../server/context';
import { CustomerType } from '../schema/customer.type';
import { MembershipTierInput } from '../schema/membership-tier.inputs';
import {
  CheckoutPayloadType,
  MembershipTierType,
  SettlementType,
  TierChangeType,
} from '../schema/membership-tier.type';
import { SettleVisitInput } from '../schema/checkout.inputs';
import { money } from '../schema/money.type';
import { inCurrency } from './money-field';

@Resolver(() => MembershipTierType)
export class MembershipTierResolver {
  @Query(() => [MembershipTierType], { description: '会员等级 by rank.' })
  membershipTiers(@Ctx() context: AppContext) {
    return context.services.membershipTiers.list();
  }

  @Mutation(() => MembershipTierType, { description: 'Add a tier (name and rank required).' })
  createMembershipTier(@Arg('input') input: MembershipTierInput, @Ctx() context: AppContext) {
    return context.services.membershipTiers.create(input);
  }

  @Mutation(() => MembershipTierType)
  updateMembershipTier(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: MembershipTierInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.membershipTiers.update(id, input);
  }

  @Mutation(() => Int, { description: 'Re-evaluate every customer’s tier now; returns how many changed.' })
  evaluateMembershipTiers(@Ctx() context: AppContext) {
    return context.services.membershipTiers.evaluateAll();
  }

  @Mutation(() => CheckoutPayloadType, {
    description:
      '结账: settle a visit in one transaction (punch, stored value, points, external payments; tier discount; points earned; tier re-evaluated; referrer rewarded on the first payment). Idempotent by idempotencyKey; dryRun validates only.',
  })
  settleVisit(@Arg('input') input: SettleVisitInput, @Ctx() context: AppContext) {
    return context.services.checkout.settle(input);
  }

  @FieldResolver()
  minSpend(@Root() tier: MembershipTier, @Ctx() context: AppContext) {
    return inCurrency(context, tier.minSpend);
  }
}

@Resolver(() => TierChangeType)
export class TierChangeFieldsResolver {
  @FieldResolver()
  fromTier(@Root() change: TierChange) {
    return change.fromTier?.load() ?? null;
  }

  @FieldResolver()
  toTier(@Root() change: TierChange) {
    return change.toTier?.load() ?? null;
  }
}

@Resolver(() => SettlementType)
export class SettlementFieldsResolver {
  @FieldResolver()
  visitId(@Root() settlement: Settlement) {
    return settlement.visit.id;
  }

  @FieldResolver()
  tier(@Root() settlement: Settlement) {
    return settlement.tier?.load() ?? null;
  }

  @FieldResolver()
  subtotal(@Root() settlement: Settlement, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.subtotal);
  }

  @FieldResolver()
  discount(@Root() settlement: Settlement, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.discount);
  }

  @FieldResolver()
  couponDiscount(@Root() settlement: Settlement, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.couponDiscount);
  }

  @FieldResolver()
  due(@Root() settlement: Settlement, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.due);
  }

  @FieldResolver()
  storedValuePaid(@Root() settlement: Settlement, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.storedValuePaid);
  }

  @FieldResolver()
  pointsValue(@Root() settlement: Settlement, @Ctx() context: AppContext) {
    return inCurrency(context, settlement.pointsValue);
  }

  @FieldResolver()
  async externalPayments(@Root() settlement: Settlement, @Ctx() context: AppContext) {
    const currency = (await context.loaders.organization()).currency;
    return settlement.externalPayments.map((payment) => ({
      ...payment,
      amount: money(payment.amount, currency),
    }));
  }
}

@Resolver(() => CustomerType)
export class CustomerTierResolver {
  @FieldResolver(() => MembershipTierType, { nullable: true, description: '会员等级.' })
  tier(@Root() customer: Customer) {
    return customer.tier?.load() ?? null;
  }

  @FieldResolver(() => [TierChangeType], {
    nullable: true,
    description: 'Tier moves, newest first (last 100).',
  })
  tierHistory(@Root() customer: Customer, @Ctx() context: AppContext) {
    return context.loaders.tierHistory.load(customer.id);
  }
}
