import { Entity, Enum, OneToOne, Property, type Ref, OptionalProps } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import type { Customer } from '../customers/customer.entity';
import { Frequency, Level, SkinType, TcmConstitution } from './health.enums';
import { TextArrayType } from '../text-array.type';

export interface Lifestyle {
  sleepHours?: number;
  sleepQuality?: Level;
  diet?: string;
  exercise?: Frequency;
  smoking?: Frequency;
  drinking?: Frequency;
  note?: string;
}

export interface SkinProfile {
  type?: SkinType;
  oiliness?: Level;
  sensitivity?: Level;
  concerns?: string[];
}

/**
 * 健康档案: sensitive personal information (PIPL art. 28). Allergies, conditions and special
 * conditions are separate dated records; this row holds the parts that describe the present.
 */
@Entity()
export class HealthProfile extends OrganizationScoped {
  [OptionalProps]?:
    | 'id'
    | 'createdAt'
    | 'updatedAt'
    | 'secondaryConstitutions'
    | 'lifestyle'
    | 'skinProfile'
    | 'currentComplaints'
    | 'wellnessGoals'
    | 'version';

  @OneToOne({
    entity: 'Customer',
    inversedBy: 'healthProfile',
    ref: true,
    unique: true,
    deleteRule: 'cascade',
  })
  customer!: Ref<Customer>;

  /** 体质辨识: primary TCM constitution type. */
  @Enum({ items: () => TcmConstitution, nativeEnumName: 'tcm_constitution', nullable: true })
  constitution?: TcmConstitution;

  /** Secondary (mixed) constitution types, when the assessment found more than one. */
  @Enum({ items: () => TcmConstitution, array: true, nativeEnumName: 'tcm_constitution' })
  secondaryConstitutions: TcmConstitution[] = [];

  @Property({ type: 'json' })
  lifestyle: Lifestyle = {};

  @Property({ type: 'json' })
  skinProfile: SkinProfile = {};

  /** 当前主诉, e.g. 肩颈酸痛, 失眠. */
  @Property({ type: TextArrayType, columnType: 'text[]' })
  currentComplaints: string[] = [];

  /** 养生目标 */
  @Property({ type: TextArrayType, columnType: 'text[]' })
  wellnessGoals: string[] = [];

  @Property({ type: 'text', nullable: true })
  notes?: string;

  @Property({ version: true })
  version!: number;
}
