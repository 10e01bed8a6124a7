import { Entity, Enum, ManyToOne, Property, type Ref, OptionalProps } from '@mikro-orm/core';
import { OrganizationScoped } from './base.entity';
import { StockMovementReason } from './enums';
import { Product } from './product.entity';
import { Store } from './store.entity';
import { User } from './user.entity';

/** One change of stock (append-only): receipts, use in a visit, corrections. */
@Entity()
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
