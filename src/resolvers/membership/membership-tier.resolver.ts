import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Customer, MembershipTier, TierChange } from '../../entities';
import type { AppContext } from '../context';
import type { RowOf } from '../../services/rows';
import { CustomerType } from '../../schema/customers/customer.type';
import { MembershipTierInput } from '../../schema/membership/membership-tier.inputs';
import { MembershipTierType, TierChangeType } from '../../schema/membership/membership-tier.type';
import { inCurrency } from '../money-field';

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
export async function tierOf(context: AppContext, reference: { id: string } | null | undefined) {
  return reference ? ((await context.loaders.tiers()).get(reference.id) ?? null) : null;
}
