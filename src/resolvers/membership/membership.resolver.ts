import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import {
  AccountType,
  LedgerCheckType,
  LedgerEntryConnection,
  LedgerPostingType,
} from '../../schema/membership/account.type';
import {
  ChargeStoredValueInput,
  PointsInput,
  RedeemPunchInput,
  RefundStoredValueInput,
  ReverseEntryInput,
  SellCardInput,
} from '../../schema/membership/membership.inputs';

const RETRY_NOTE =
  ' Idempotent: the same idempotencyKey with the same input returns the first result; with other input IDEMPOTENCY_KEY_REUSED.';

/** Stored value, points and punch cards: the ledger's mutations and reads. */
@Resolver()
export class MembershipResolver {
  @Query(() => AccountType)
  account(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.ledgerQueries.account(id);
  }

  @Query(() => LedgerEntryConnection, {
    description: 'Ledger history of one account or one customer, newest first.',
  })
  ledgerEntries(
    @Ctx() context: AppContext,
    @Arg('accountId', () => ID, { nullable: true }) accountId?: string,
    @Arg('customerId', () => ID, { nullable: true }) customerId?: string,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ) {
    return context.services.ledgerQueries.entries({ accountId, customerId, first, after });
  }

  @Query(() => LedgerCheckType, { description: 'Recompute every cached balance from the ledger.' })
  async ledgerCheck(@Ctx() context: AppContext) {
    const { checked, mismatches } = await context.services.ledgerQueries.mismatches();
    return { accountsChecked: checked, mismatches };
  }

  @Mutation(() => LedgerPostingType, {
    description: '售卡 / 充值: sell a card product, paid outside the ledger (payment method).' + RETRY_NOTE,
  })
  sellCard(@Arg('input') input: SellCardInput, @Ctx() context: AppContext) {
    return context.services.membership.sellCard(input);
  }

  @Mutation(() => LedgerPostingType, {
    description: '储值消费; INSUFFICIENT_BALANCE with the balance when short, nothing posted.' + RETRY_NOTE,
  })
  chargeStoredValue(@Arg('input') input: ChargeStoredValueInput, @Ctx() context: AppContext) {
    return context.services.membership.chargeStoredValue(input);
  }

  @Mutation(() => LedgerPostingType, { description: '核销 one use of a punch card.' + RETRY_NOTE })
  redeemPunch(@Arg('input') input: RedeemPunchInput, @Ctx() context: AppContext) {
    return context.services.membership.redeemPunch(input);
  }

  @Mutation(() => LedgerPostingType, { description: 'Credit 积分 (e.g. a campaign).' + RETRY_NOTE })
  earnPoints(@Arg('input') input: PointsInput, @Ctx() context: AppContext) {
    return context.services.membership.earnPoints(input);
  }

  @Mutation(() => LedgerPostingType, {
    description: 'Redeem 积分; expired points are written off first.' + RETRY_NOTE,
  })
  redeemPoints(@Arg('input') input: PointsInput, @Ctx() context: AppContext) {
    return context.services.membership.redeemPoints(input);
  }

  @Mutation(() => LedgerPostingType, {
    description: '冲正 / 退款: post the reverse of an entry, linked to it; once per entry.' + RETRY_NOTE,
  })
  reverseLedgerEntry(@Arg('input') input: ReverseEntryInput, @Ctx() context: AppContext) {
    return context.services.ledgerReversals.reverse(input);
  }

  @Mutation(() => LedgerPostingType, {
    description:
      '退卡: pay back the remaining principal of the stored value; the bonus is forfeited.' + RETRY_NOTE,
  })
  refundStoredValue(@Arg('input') input: RefundStoredValueInput, @Ctx() context: AppContext) {
    return context.services.ledgerReversals.refundStoredValue(input);
  }

  @Mutation(() => Int, {
    description: 'Write off lapsed points on every account now (safe to repeat); returns the points expired.',
  })
  expirePoints(@Ctx() context: AppContext) {
    return context.services.membership.expirePoints();
  }

  @Mutation(() => AccountType, { description: '冻结 a punch card: no use until unfrozen.' })
  freezeAccount(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.accounts.setFrozen(id, true);
  }

  @Mutation(() => AccountType, { description: '解冻: the validity is extended by the time it was frozen.' })
  unfreezeAccount(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.accounts.setFrozen(id, false);
  }
}
