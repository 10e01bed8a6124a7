import { Product, Store, User, type ProductStock, type StockMovement } from '../../entities';
import { rowOf } from '../row-refs';
import type { RowOf } from '../../services/rows';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import {
  AdjustStockInput,
  ReceiveStockInput,
  StockMovementFilter,
} from '../../schema/catalogue/product.inputs';
import {
  ProductStockType,
  StockMovementConnection,
  StockMovementType,
} from '../../schema/catalogue/product.type';

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
  product(@Root() stock: RowOf<ProductStock>, @Ctx() context: AppContext) {
    return rowOf(context, Product, stock.product);
  }

  @FieldResolver()
  store(@Root() stock: RowOf<ProductStock>, @Ctx() context: AppContext) {
    return rowOf(context, Store, stock.store);
  }

  @FieldResolver()
  async threshold(@Root() stock: RowOf<ProductStock>, @Ctx() context: AppContext) {
    return stock.lowStockThreshold ?? (await rowOf(context, Product, stock.product))?.lowStockThreshold;
  }

  @FieldResolver(() => Int, { nullable: true })
  storeThreshold(@Root() stock: RowOf<ProductStock>) {
    return stock.lowStockThreshold ?? null;
  }
}

@Resolver(() => StockMovementType)
export class StockMovementFieldsResolver {
  @FieldResolver()
  product(@Root() movement: RowOf<StockMovement>, @Ctx() context: AppContext) {
    return rowOf(context, Product, movement.product);
  }

  @FieldResolver()
  recordedBy(@Root() movement: RowOf<StockMovement>, @Ctx() context: AppContext) {
    return rowOf(context, User, movement.recordedBy);
  }
}
