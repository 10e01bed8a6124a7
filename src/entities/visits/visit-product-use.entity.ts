import { Entity, ManyToOne, Property, type Ref, OptionalProps, Check, Index } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { Product } from '../catalogue/product.entity';
import type { VisitLine } from './visit-line.entity';

/** A product used in a service line (耗材), e.g. 薰衣草精油 5 ml. */
@Entity()
@Index({ name: 'visit_product_use_line_index', properties: ['line'] })
@Check({ name: 'visit_product_use_quantity_check', expression: 'quantity > 0' })
export class VisitProductUse extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @ManyToOne('VisitLine', { ref: true, deleteRule: 'cascade' })
  line!: Ref<VisitLine>;

  @ManyToOne(() => Product, { ref: true })
  product!: Ref<Product>;

  @Property({ type: 'integer' })
  quantity!: number;
}
