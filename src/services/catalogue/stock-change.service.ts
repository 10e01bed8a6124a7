import type { EntityManager } from '@mikro-orm/postgresql';
import { Product, ProductStock, Store } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { StockMovementReason } from '../../entities/catalogue/catalogue.enums';
import type { AdjustStockInput, ReceiveStockInput } from '../../schema/catalogue/product.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { ensureStockRow, moveStock } from './stock';
import { inTransaction } from '../transaction';

/**
 * 入库 and 盘点调整 of one product in one store. Both go through `moveStock` (one conditional UPDATE
 * next to an append-only StockMovement), so concurrent changes never lose a unit and the quantity
 * always equals the sum of the movements.
 */
export class StockChangeService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  receive(input: ReceiveStockInput): Promise<ProductStock> {
    return this.move(input, input.quantity, StockMovementReason.RECEIPT, 'quantity', input.note);
  }

  /** A correction that would leave less than zero fails with INSUFFICIENT_STOCK unless the store allows it. */
  adjust(input: AdjustStockInput): Promise<ProductStock> {
    const note = input.note.trim();
    if (!note) throw new BadInputError('note', 'required', 'Say why the stock is adjusted (盘亏, 破损 …).');
    return this.move(input, input.delta, StockMovementReason.ADJUSTMENT, 'delta', note);
  }

  /** The store's own 库存预警 level; null falls back to the product's. */
  setThreshold(storeId: string, productId: string, threshold: number | null): Promise<ProductStock> {
    if (threshold !== null && (!Number.isInteger(threshold) || threshold < 0 || threshold > 1_000_000))
      throw new BadInputError(
        'threshold',
        'range',
        'threshold is 0–1,000,000 units, or null for the product default.',
      );
    return inTransaction(this.em, async (em) => {
      const { store, product } = await this.find(em, storeId, productId);
      const stock = await this.stockRow(em, store, product);
      if ((stock.lowStockThreshold ?? null) !== threshold) {
        stock.lowStockThreshold = threshold ?? undefined;
        this.audit.recordChange(em, AuditAction.UPDATE, 'ProductStock', stock.id, undefined, [
          'lowStockThreshold',
        ]);
      }
      return stock;
    });
  }

  private move(
    target: { storeId: string; productId: string },
    delta: number,
    reason: StockMovementReason,
    field: string,
    note: string | undefined,
  ): Promise<ProductStock> {
    return inTransaction(this.em, async (em) => {
      const { store, product } = await this.find(em, target.storeId, target.productId);
      if (reason === StockMovementReason.RECEIPT && !product.active)
        throw new BadInputError(
          'productId',
          'active',
          `${product.name} is inactive: activate it before receiving stock.`,
        );
      await moveStock(em, {
        organizationId: this.viewer.organizationId,
        storeId: store.id,
        productId: product.id,
        delta,
        reason,
        note: note?.trim() || undefined,
        recordedById: this.viewer.userId ?? null,
        productName: product.name,
        field,
      });
      // moveStock changed the row by SQL: read it afresh rather than from the identity map.
      const stock = await em.findOneOrFail(
        ProductStock,
        { store: store.id, product: product.id },
        { refresh: true },
      );
      this.audit.recordChange(em, AuditAction.UPDATE, 'ProductStock', stock.id, undefined, ['quantity']);
      return stock;
    });
  }

  private async find(em: EntityManager, storeId: string, productId: string) {
    const [store, product] = [
      await em.findOne(Store, { id: storeId }),
      await em.findOne(Product, { id: productId }),
    ];
    if (!store) throw new NotFoundError('Store', storeId);
    if (!product) throw new NotFoundError('Product', productId);
    return { store, product };
  }

  private async stockRow(em: EntityManager, store: Store, product: Product): Promise<ProductStock> {
    await ensureStockRow(em, this.viewer.organizationId, store.id, product.id);
    return em.findOneOrFail(ProductStock, { store: store.id, product: product.id });
  }
}
