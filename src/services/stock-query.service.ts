import type { EntityManager } from '@mikro-orm/postgresql';
import { ProductStock, Store } from '../entities';
import { NotFoundError } from '../server/errors';

/** 库存预警: stock rows of active products at or below their threshold (the store's, else the product's). */
export class StockQueryService {
  constructor(private readonly em: EntityManager) {}

  async lowStock(storeId: string): Promise<{ stock: ProductStock; threshold: number }[]> {
    if (!(await this.em.findOne(Store, { id: storeId }))) throw new NotFoundError('Store', storeId);
    const rows = await this.em.find(
      ProductStock,
      { store: storeId, product: { active: true } },
      { populate: ['product'], orderBy: { product: { name: 'asc' } } },
    );
    return rows
      .map((stock) => ({
        stock,
        threshold: stock.lowStockThreshold ?? stock.product.getEntity().lowStockThreshold,
      }))
      .filter(({ stock, threshold }) => stock.quantity <= threshold);
  }
}
