import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ProductStock, StockMovement, Store } from '../entities';
import type { ConnectionShape } from '../schema/connection.type';
import type { StockMovementFilter } from '../schema/product.inputs';
import { NotFoundError } from '../server/errors';
import { decodeCursor, pageSize, toConnection } from './cursor';

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
  }): Promise<ConnectionShape<StockMovement>> {
    await this.store(args.storeId);
    const limit = pageSize(args.first);
    const page: FilterQuery<StockMovement>[] = [this.condition(args.storeId, args.filter)];
    if (args.after) {
      const cursor = decodeCursor(args.after);
      const keyset = raw(
        (alias) => `(${alias}.created_at, ${alias}.id) < (?, ?)`,
        [new Date(String(cursor.sortValue)), cursor.id],
      );
      page.push({ [keyset]: [] } as FilterQuery<StockMovement>);
    }
    const rows = await this.em.find(
      StockMovement,
      { $and: page },
      { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: limit + 1 },
    );
    return toConnection(
      rows,
      limit,
      args.after,
      (node) => node.createdAt.toISOString(),
      () => this.em.count(StockMovement, this.condition(args.storeId, args.filter)),
    );
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
