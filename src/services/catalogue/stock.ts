import type { EntityManager } from '@mikro-orm/postgresql';
import { StockMovement } from '../../entities';
import { StockMovementReason } from '../../entities/catalogue/catalogue.enums';
import { DomainError, type BadInputDetails } from '../../core/errors';

export interface StockChange {
  organizationId: string;
  storeId: string;
  productId: string;
  /** Positive adds (入库), negative takes (耗用). */
  delta: number;
  reason: StockMovementReason;
  visitId?: string;
  note?: string;
  recordedById?: string | null;
  /** Names the product in the error message. */
  productName: string;
  /** The input field to name when stock is short, e.g. `lines[0].products[1].quantity`. */
  field: string;
}

/** Stock would go below zero in a store that does not allow it. */
export class InsufficientStockError extends DomainError {
  constructor(field: string, productName: string, available: number, requested: number) {
    super(
      'BAD_USER_INPUT',
      `Only ${available} of ${productName} in stock, ${requested} requested: receive stock first, or let the store allow negative stock.`,
      { field, rule: 'stock', reason: 'INSUFFICIENT_STOCK', available, requested } satisfies BadInputDetails,
    );
  }
}

/**
 * Moves stock of one product in one store and appends the movement, inside the caller's
 * transaction. The quantity changes by one conditional UPDATE, so concurrent visits can never
 * take the same last unit twice; it fails unless the result stays ≥ 0 or the store allows
 * negative stock. Returns the new quantity.
 */
export async function moveStock(em: EntityManager, change: StockChange): Promise<number> {
  const connection = em.getConnection();
  const transaction = em.getTransactionContext();
  await ensureStockRow(em, change.organizationId, change.storeId, change.productId);
  const rows = await connection.execute<{ quantity: number; moved: boolean }[]>(
    `with target as (
       select ps.id, ps.quantity, ps.quantity + ? >= 0 or s.allow_negative_stock or ? > 0 as allowed
       from product_stock ps join store s on s.id = ps.store_id
       where ps.store_id = ? and ps.product_id = ? and ps.organization_id = ?
       for update of ps
     ), moved as (
       update product_stock ps set quantity = ps.quantity + ?, updated_at = now()
       from target where ps.id = target.id and target.allowed
       returning ps.quantity
     )
     select coalesce((select quantity from moved), (select quantity from target)) as quantity,
            exists (select 1 from moved) as moved`,
    [change.delta, change.delta, change.storeId, change.productId, change.organizationId, change.delta],
    'all',
    transaction,
  );
  const { quantity, moved } = rows[0];
  if (!moved) throw new InsufficientStockError(change.field, change.productName, quantity, -change.delta);
  em.create(StockMovement, {
    organization: change.organizationId,
    store: change.storeId,
    product: change.productId,
    delta: change.delta,
    reason: change.reason,
    visitId: change.visitId,
    note: change.note,
    recordedBy: change.recordedById ?? null,
  });
  return quantity;
}

/** The stock row of a product in a store, created at 0 if it does not exist yet (race-free). */
export async function ensureStockRow(
  em: EntityManager,
  organizationId: string,
  storeId: string,
  productId: string,
): Promise<void> {
  await em.getConnection().execute(
    `insert into product_stock (id, organization_id, store_id, product_id, quantity)
     values (gen_random_uuid(), ?, ?, ?, 0) on conflict (store_id, product_id) do nothing`,
    [organizationId, storeId, productId],
    'run',
    em.getTransactionContext(),
  );
}
