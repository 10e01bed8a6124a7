import { Entity, Property, Unique, OptionalProps } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';

/** 门店: a location of the organization. Customers are shared across stores. */
@Entity()
@Unique({ properties: ['organization', 'code'] })
export class Store extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'timezone' | 'allowNegativeStock';

  @Property({ length: 100 })
  name!: string;

  @Property({ length: 20 })
  code!: string;

  @Property({ length: 64 })
  timezone: string = 'Asia/Shanghai';

  @Property({ length: 200, nullable: true })
  address?: string;

  @Property({ length: 20, nullable: true })
  phone?: string;

  /** When false (the default), a visit that would take a product's stock below zero fails. */
  @Property()
  allowNegativeStock: boolean = false;
}
