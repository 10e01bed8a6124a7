import { Collection, Entity, OneToMany, Property, Unique, OptionalProps, Check } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import type { ProductStock } from './product-stock.entity';

/** 产品: retail products and consumables used in services; stock is kept per store (ProductStock). */
@Entity()
@Check({ name: 'product_money_check', expression: 'cost >= 0 and price >= 0' })
@Check({ name: 'product_low_stock_threshold_check', expression: 'low_stock_threshold >= 0' })
@Unique({ properties: ['organization', 'code'] })
export class Product extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'active' | 'lowStockThreshold' | 'version';

  @Property({ length: 30 })
  code!: string;

  @Property({ length: 100 })
  name!: string;

  @Property({ length: 50, nullable: true })
  brand?: string;

  /** 规格, e.g. 100ml/瓶. */
  @Property({ length: 50, nullable: true })
  spec?: string;

  /** The unit stock is counted in (ml, 瓶, 片 …); quantities are whole units. */
  @Property({ length: 10 })
  unit!: string;

  /** 进价 in minor units: OWNER and MANAGER only. */
  @Property({ type: 'integer' })
  cost!: number;

  /** 售价 in minor units. */
  @Property({ type: 'integer' })
  price!: number;

  /** Default 库存预警 level for every store; a store may set its own. */
  @Property({ type: 'integer' })
  lowStockThreshold: number = 0;

  @Property()
  active: boolean = true;

  @Property({ version: true })
  version!: number;

  /** Stock per store; loaded through MikroORM's batching collection loader. */
  @OneToMany('ProductStock', 'product')
  stocks = new Collection<ProductStock>(this);
}
