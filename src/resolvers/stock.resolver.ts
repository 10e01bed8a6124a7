import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ProductStock, StockMovement } from '../entities';
import type { AppContext } from '../server/context';
import { AdjustStockInput, ReceiveStockInput, StockMovementFilter } from '../schema/product.inputs';
import { ProductStockType, StockMovementConnection, StockMovementType } from '../schema/product.type';

@Resolver(() => ProductStockType)
export class StockResolver {
  @Query(() => [ProductStockType], {
    description: '库存预警: active products of a store at or below their low-stock threshold, by name.',
  })
  lowStock(@Arg('storeId', () => ID) storeId: string, @Ctx() context: AppContext) {
    return context.services.stock.lowStock(storeId);
  }

  @Query(() => StockMovementConnection, { description: 'Stock movements of a store, newest first.' })
  stockMovements(
    @Ctx() context: AppContext,
    @Arg('storeId', () => ID) storeId: string,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => StockMovementFilter, { nullable: true }) filter?: StockMovementFilter,
  ) {
    return context.services.stock.movements({ storeId, first, after, filter });
  }

  @Mutation(() => ProductStockType, { description: '入库: add received stock to a store.' })
  receiveStock(@Arg('input') input: ReceiveStockInput, @Ctx() context: AppContext) {
    return context.services.stockChanges.receive(input);
  }

  @Mutation(() => ProductStockType, {
    description:
      '盘点调整 with a required note. Below zero fails with BAD_USER_INPUT reason INSUFFICIENT_STOCK unless the store allows negative stock.',
  })
  adjustStock(@Arg('input') input: AdjustStockInput, @Ctx() context: AppContext) {
    return context.services.stockChanges.adjust(input);
  }

  @Mutation(() => ProductStockType, { description: "Set a store's 库存预警 level; null uses the product's." })
  setStockThreshold(
    @Arg('storeId', () => ID) storeId: string,
    @Arg('productId', () => ID) productId: string,
    @Arg('threshold', () => Int, { nullable: true }) threshold: number | null,
    @Ctx() context: AppContext,
  ) {
    return context.services.stockChanges.setThreshold(storeId, productId, threshold ?? null);
  }

  @FieldResolver()
  product(@Root() stock: ProductStock) {
    return stock.product.load();
  }

  @FieldResolver()
  store(@Root() stock: ProductStock) {
    return stock.store.load();
  }

  @FieldResolver()
  async threshold(@Root() stock: ProductStock) {
    return stock.lowStockThreshold ?? (await stock.product.load())!.lowStockThreshold;
  }

  @FieldResolver(() => Int, { nullable: true })
  storeThreshold(@Root() stock: ProductStock) {
    return stock.lowStockThreshold ?? null;
  }
}

@Resolver(() => StockMovementType)
export class StockMovementFieldsResolver {
  @FieldResolver()
  product(@Root() movement: StockMovement) {
    return movement.product.load();
  }

  @FieldResolver()
  recordedBy(@Root() movement: StockMovement) {
    return movement.recordedBy?.load() ?? null;
  }
}
