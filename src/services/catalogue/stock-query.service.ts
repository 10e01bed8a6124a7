import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ProductStock, StockMovement, Store } from '../../entities';
import type { ConnectionShape } from '../../core/paging/connection';
import type { StockMovementFilter } from '../../schema/catalogue/product.inputs';
import { NotFoundError } from '../../core/errors';
import { newestFirst } from '../newest-first';
import type { RowOf } from '../rows';

/** Reads of stock: 库存预警 and the movement history of a store. */
export class StockQueryService {
  constructor(private readonly em: EntityManager) {}

  /** Stock rows of active products at or below their threshold (the store's, else the product's), by name. */
  async lowStock(storeId: string): Promise<ProductStock[]> {
    await this.store(storeId);
    const below = raw(
      (alias) =>
        `${alias}.quantity <= coalesce(${alias}.low_stock_threshold, (select p.low_stock_threshold from product p where p.id = ${alias}.product_id))`,
    );
    return this.em.find(
      ProductStock,
      { store: storeId, product: { active: true }, [below]: [] } as FilterQuery<ProductStock>,
      { populate: ['product'], orderBy: [{ product: { name: 'asc' } }, { id: 'asc' }] },
    );
  }

  /** Newest first; `totalCount` only when asked for. */
  async movements(args: {
    storeId: string;
    filter?: StockMovementFilter;
    first?: number;
    after?: string;
  }): Promise<ConnectionShape<RowOf<StockMovement>>> {
    await this.store(args.storeId);
    return newestFirst(this.em, StockMovement, this.condition(args.storeId, args.filter), args);
  }

  private condition(storeId: string, filter: StockMovementFilter = {}): FilterQuery<StockMovement> {
    return {
      store: storeId,
      ...(filter.productId ? { product: filter.productId } : {}),
      ...(filter.reason ? { reason: filter.reason } : {}),
    };
  }

  private async store(storeId: string): Promise<Store> {
    const store = await this.em.findOne(Store, { id: storeId });
    if (!store) throw new NotFoundError('Store', storeId);
    return store;
  }
}
