import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Customer, MembershipTier, Settlement, TierChange } from '../entities';
import type { AppContext } from '../server/context';
import type { RowOf } from '../services/rows';
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
  minSpend(@Root() tier: RowOf<MembershipTier>, @Ctx() context: AppContext) {
    return inCurrency(context, tier.minSpend);
  }
}

@Resolver(() => TierChangeType)
export class TierChangeFieldsResolver {
  @FieldResolver()
  fromTier(@Root() change: RowOf<TierChange>, @Ctx() context: AppContext) {
    return tierOf(context, change.fromTier);
  }

  @FieldResolver()
  toTier(@Root() change: RowOf<TierChange>, @Ctx() context: AppContext) {
    return tierOf(context, change.toTier);
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

@Resolver(() => CustomerType)
export class CustomerTierResolver {
  @FieldResolver(() => MembershipTierType, { nullable: true, description: '会员等级.' })
  tier(@Root() customer: RowOf<Customer>, @Ctx() context: AppContext) {
    return tierOf(context, customer.tier);
  }

  @FieldResolver(() => [TierChangeType], {
    nullable: true,
    description: 'Tier moves, newest first (last 100).',
  })
  tierHistory(@Root() customer: RowOf<Customer>, @Ctx() context: AppContext) {
    return context.loaders.tierHistory.load(customer.id);
  }
}

/** Tiers are a handful per organization: all of them come in one statement per request. */
async function tierOf(context: AppContext, reference: { id: string } | null | undefined) {
  return reference ? ((await context.loaders.tiers()).get(reference.id) ?? null) : null;
}
