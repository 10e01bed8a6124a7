import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CardProduct, ServiceItem } from '../../entities';
import type { RowOf } from '../../services/rows';
import type { AppContext } from '../context';
import { CardProductType } from '../../schema/membership/account.type';
import { CardProductInput } from '../../schema/membership/membership.inputs';
import { inCurrency } from '../money-field';

@Resolver(() => CardProductType)
export class CardProductResolver {
  @Query(() => [CardProductType], { description: '卡项 for sale, by kind and price.' })
  cardProducts(
    @Arg('includeInactive', { defaultValue: false }) includeInactive: boolean,
    @Ctx() context: AppContext,
  ) {
    return context.services.cardProducts.list(includeInactive);
  }

  @Mutation(() => CardProductType, {
    description: 'Configure a 卡项; CONFLICT reason DUPLICATE_CODE if taken.',
  })
  createCardProduct(@Arg('input') input: CardProductInput, @Ctx() context: AppContext) {
    return context.services.cardProducts.create(input);
  }

  @Mutation(() => CardProductType, {
    description: 'Stop or resume selling a 卡项; sold cards are unaffected.',
  })
  setCardProductActive(
    @Arg('id', () => ID) id: string,
    @Arg('active') active: boolean,
    @Ctx() context: AppContext,
  ) {
    return context.services.cardProducts.setActive(id, active);
  }

  @FieldResolver()
  async price(@Root() product: RowOf<CardProduct>, @Ctx() context: AppContext) {
    return inCurrency(context, product.price);
  }

  @FieldResolver()
  async principal(@Root() product: RowOf<CardProduct>, @Ctx() context: AppContext) {
    return inCurrency(context, product.principal);
  }

  @FieldResolver()
  async bonus(@Root() product: RowOf<CardProduct>, @Ctx() context: AppContext) {
    return inCurrency(context, product.bonus);
  }

  @FieldResolver()
  async couponValue(@Root() product: RowOf<CardProduct>, @Ctx() context: AppContext) {
    return product.couponValue ? inCurrency(context, product.couponValue) : null;
  }

  @FieldResolver()
  async couponMinSpend(@Root() product: RowOf<CardProduct>, @Ctx() context: AppContext) {
    return product.couponValue ? inCurrency(context, product.couponMinSpend ?? 0) : null;
  }

  @FieldResolver()
  services(@Root() product: RowOf<CardProduct>, @Ctx() context: AppContext) {
    return context.loaders.rows.collection(CardProduct, 'services', ServiceItem).load(product.id);
  }
}
