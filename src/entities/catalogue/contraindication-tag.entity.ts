import { Entity, Enum, Property, Unique, OptionalProps } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { AllergyCategory, SpecialConditionKind } from '../health/health.enums';
import { ContraindicationSeverity } from './catalogue.enums';
import { TextArrayType } from '../text-array.type';

/**
 * 禁忌标签 such as 孕期禁用, 高血压慎用, 精油过敏: what a service must not (AVOID) or should only
 * carefully (CAUTION) be given with, and which health facts it matches. Configured per organization,
 * so a salon words its own tags and keywords.
 */
@Entity()
@Unique({ properties: ['organization', 'name'] })
export class ContraindicationTag extends OrganizationScoped {
  [OptionalProps]?:
    'id' | 'createdAt' | 'updatedAt' | 'specialConditionKinds' | 'allergyCategories' | 'keywords';

  @Property({ length: 50 })
  name!: string;

  @Enum({ items: () => ContraindicationSeverity, nativeEnumName: 'contraindication_severity' })
  severity!: ContraindicationSeverity;

  @Property({ length: 500, nullable: true })
  description?: string;

  /** Special conditions that trigger it while current, e.g. PREGNANCY for 孕期禁用. */
  @Enum({ items: () => SpecialConditionKind, array: true, columnType: 'text[]' })
  specialConditionKinds: SpecialConditionKind[] = [];

  /** Allergy categories that trigger it, e.g. ESSENTIAL_OIL for 精油过敏. */
  @Enum({ items: () => AllergyCategory, array: true, columnType: 'text[]' })
  allergyCategories: AllergyCategory[] = [];

  /** Words matched in allergy substances and medical conditions, e.g. 高血压, hypertension. */
  @Property({ type: TextArrayType, columnType: 'text[]' })
  keywords: string[] = [];
}
