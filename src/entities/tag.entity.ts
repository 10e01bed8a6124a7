import { Entity, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { OrganizationScoped } from './base.entity';

/** 标签: a label on customers such as 敏感肌 or 高端客户. */
@Entity()
@Unique({ properties: ['organization', 'name'] })
export class Tag extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @Property({ length: 30 })
  name!: string;

  @Property({ length: 7, nullable: true })
  color?: string;
}
