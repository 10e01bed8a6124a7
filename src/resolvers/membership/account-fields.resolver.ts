import { Account, CardProduct, type Customer, type LedgerEntry } from '../../entities';
import { rowOf } from '../row-refs';
import type { RowOf } from '../../services/rows';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AccountKind } from '../../entities/membership/membership.enums';
import type { AppContext } from '../context';
import { AccountType, LedgerEntryType } from '../../schema/membership/account.type';
import { CustomerType } from '../../schema/customers/customer.type';
import { inCurrency } from '../money-field';

export const WALLET_NAMES: Record<AccountKind, string> = {
  [AccountKind.STORED_VALUE]: '储值账户',
  [AccountKind.POINTS]: '积分账户',
  [AccountKind.PUNCH_CARD]: '计次卡',
  [AccountKind.COUPON]: '优惠券',
};

@Resolver(() => AccountType)
export class AccountFieldsResolver {
  @FieldResolver()
  async name(@Root() account: RowOf<Account>, @Ctx() context: AppContext) {
    const product = await rowOf(context, CardProduct, account.cardProduct);
    return product?.name ?? WALLET_NAMES[account.kind];
  }

  @FieldResolver()
  cardProduct(@Root() account: RowOf<Account>, @Ctx() context: AppContext) {
    return rowOf(context, CardProduct, account.cardProduct);
  }

  @FieldResolver()
  principal(@Root() account: RowOf<Account>, @Ctx() context: AppContext) {
    return inCurrency(context, account.principal);
  }

  @FieldResolver()
  bonus(@Root() account: RowOf<Account>, @Ctx() context: AppContext) {
    return inCurrency(context, account.bonus);
  }

  @FieldResolver()
  balance(@Root() account: RowOf<Account>, @Ctx() context: AppContext) {
    return inCurrency(context, account.principal + account.bonus);
  }
}

@Resolver(() => LedgerEntryType)
export class LedgerEntryFieldsResolver {
  @FieldResolver()
  account(@Root() entry: RowOf<LedgerEntry>, @Ctx() context: AppContext) {
    return rowOf(context, Account, entry.account);
  }

  @FieldResolver()
  principalDelta(@Root() entry: RowOf<LedgerEntry>, @Ctx() context: AppContext) {
    return inCurrency(context, entry.principalDelta);
  }

  @FieldResolver()
  bonusDelta(@Root() entry: RowOf<LedgerEntry>, @Ctx() context: AppContext) {
    return inCurrency(context, entry.bonusDelta);
  }

  @FieldResolver()
  principalAfter(@Root() entry: RowOf<LedgerEntry>, @Ctx() context: AppContext) {
    return inCurrency(context, entry.principalAfter);
  }

  @FieldResolver()
  bonusAfter(@Root() entry: RowOf<LedgerEntry>, @Ctx() context: AppContext) {
    return inCurrency(context, entry.bonusAfter);
  }

  @FieldResolver()
  async amountPaid(@Root() entry: RowOf<LedgerEntry>, @Ctx() context: AppContext) {
    return entry.amountPaid === undefined || entry.amountPaid === null
      ? null
      : inCurrency(context, entry.amountPaid);
  }

  @FieldResolver()
  reversesId(@Root() entry: RowOf<LedgerEntry>) {
    return entry.reverses?.id ?? null;
  }
}

@Resolver(() => CustomerType)
export class CustomerAccountsResolver {
  @FieldResolver(() => [AccountType], {
    nullable: true,
    description: '储值, 积分 and 计次卡 of the customer: staff who sell and the POS.',
  })
  accounts(@Root() customer: RowOf<Customer>, @Ctx() context: AppContext) {
    return context.loaders.customerAccounts.load(customer.id);
  }
}
