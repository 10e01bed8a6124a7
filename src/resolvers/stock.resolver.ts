import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Product } from '../entities';
import type { AppContext } from '../server/context';
import { money } from '../schema/money.type';
import { ProductStockType, ProductType } from '../schema/product.type';

@Resolver(() => ProductStockType)
export class StockResolver {
  @Query(() => [ProductStockType], {
    description: '库存预警: active products of a store at or below their low-stock threshold, by name.',
  })
  async lowStock(@Arg('storeId', () => ID) storeId: string, @Ctx() context: AppContext) {
    const rows = await context.services.stock.lowStock(storeId);
    return rows.map(({ stock, threshold }) => ({
      product: stock.product.getEntity(),
      quantity: stock.quantity,
      threshold,
    }));
  }
}

@Resolver(() => ProductType)
export class ProductFieldsResolver {
  @FieldResolver()
  async price(@Root() product: Product, @Ctx() context: AppContext) {
    return money(product.price, (await context.loaders.organization()).currency);
  }

  @FieldResolver()
  async cost(@Root() product: Product, @Ctx() context: AppContext) {
    return money(product.cost, (await context.loaders.organization()).currency);
  }
}
