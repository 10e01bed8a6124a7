import { Entity, ManyToOne, Property, Unique, type Ref, OptionalProps, Check } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { Product } from './product.entity';
import { Store } from '../organization/store.entity';

/**
 * 库存 of one product in one store. `quantity` is changed only by conditional SQL updates next to a
 * StockMovement row, so it always equals the sum of the movements.
 */
@Entity()
@Check({
  name: 'product_stock_low_stock_threshold_check',
  expression: 'low_stock_threshold is null or low_stock_threshold >= 0',
})
@Unique({ properties: ['store', 'product'] })
export class ProductStock extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'quantity';

  @ManyToOne(() => Store, { ref: true })
  store!: Ref<Store>;

  @ManyToOne(() => Product, { ref: true })
  product!: Ref<Product>;

  @Property({ type: 'integer' })
  quantity: number = 0;

  /** This store's 库存预警 level; the product's default when null. */
  @Property({ type: 'integer', nullable: true })
  lowStockThreshold?: number;
}
