import { Entity, Enum, ManyToOne, Property, type Ref, OptionalProps, Check, Index } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { StockMovementReason } from './catalogue.enums';
import { Product } from './product.entity';
import { Store } from '../organization/store.entity';
import { User } from '../staff/user.entity';

/** One change of stock (append-only): receipts, use in a visit, corrections. */
@Entity()
@Index({ name: 'stock_movement_product_index', properties: ['store', 'product', 'createdAt'] })
@Index({
  name: 'stock_movement_store_created_index',
  expression:
    'create index stock_movement_store_created_index on stock_movement (store_id, created_at desc, id desc)',
})
@Check({ name: 'stock_movement_delta_check', expression: 'delta <> 0' })
export class StockMovement extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @ManyToOne(() => Store, { ref: true })
  store!: Ref<Store>;

  @ManyToOne(() => Product, { ref: true })
  product!: Ref<Product>;

  /** Positive for receipts, negative for use. */
  @Property({ type: 'integer' })
  delta!: number;

  @Enum({ items: () => StockMovementReason, nativeEnumName: 'stock_movement_reason' })
  reason!: StockMovementReason;

  /** The visit whose service used it (VISIT_USE). */
  @Property({ type: 'uuid', nullable: true })
  visitId?: string;

  @Property({ length: 200, nullable: true })
  note?: string;

  @ManyToOne(() => User, { ref: true, nullable: true })
  recordedBy?: Ref<User>;
}
