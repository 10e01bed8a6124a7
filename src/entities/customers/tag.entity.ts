import { Entity, OptionalProps, Property, Unique, Check } from '@mikro-orm/core';
import type { SegmentRule } from '../segments/segment.entity';
import { OrganizationScoped } from '../base.entity';

/** 标签: a label on customers such as 敏感肌 or 高端客户. */
@Entity()
@Check({ name: 'tag_rule_check', expression: `rule is null or jsonb_typeof(rule) = 'object'` })
@Unique({ properties: ['organization', 'name'] })
export class Tag extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @Property({ length: 30 })
  name!: string;

  @Property({ length: 7, nullable: true })
  color?: string;

  /** Rule-based tags (高端客户 by spend …) are recomputed by the schedule, never set by hand. */
  @Property({ type: 'json', nullable: true })
  rule?: SegmentRule;
}
