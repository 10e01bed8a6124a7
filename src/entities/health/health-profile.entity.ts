import { Entity, OneToOne, Property, type Ref, OptionalProps, Index } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import type { Customer } from '../customers/customer.entity';
import { Frequency, Level, SkinType, TcmConstitution } from './health.enums';
import { EncryptedJson, EncryptedText } from '../encrypted.type';
import { TextArrayType } from '../text-array.type';
import { plaintextIndex } from '../plaintext-index';

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
// Rows still holding plaintext, for the start-up sealing pass (src/entities/plaintext-index.ts).
@Index(
  plaintextIndex('health_profile', [
    'constitution',
    'secondary_constitutions',
    'lifestyle',
    'skin_profile',
    'current_complaints',
    'wellness_goals',
    'notes',
  ]),
)
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
    | 'currentComplaintsIndex'
    | 'constitutionIndex'
    | 'wellnessGoalsIndex'
    | 'version';

  @OneToOne({
    entity: 'Customer',
    inversedBy: 'healthProfile',
    ref: true,
    unique: true,
    deleteRule: 'cascade',
  })
  customer!: Ref<Customer>;

  /** 体质辨识: primary TCM constitution type (sealed; grouped and matched by constitutionIndex). */
  @Property({ type: EncryptedText, columnType: 'text', nullable: true })
  constitution?: TcmConstitution;

  /** Secondary (mixed) constitution types, when the assessment found more than one (sealed json). */
  @Property({ type: EncryptedJson, columnType: 'text' })
  secondaryConstitutions: TcmConstitution[] = [];

  /**
   * Blind index of the constitution (HMAC, src/core/crypto/envelope.ts): what reports group by and
   * segment rules match on, mapped back to the nine values with the organization's keys.
   */
  @Property({ type: 'text', nullable: true, hidden: true })
  constitutionIndex?: string;

  @Property({ type: EncryptedJson, columnType: 'text' })
  lifestyle: Lifestyle = {};

  @Property({ type: EncryptedJson, columnType: 'text' })
  skinProfile: SkinProfile = {};

  /** 当前主诉, e.g. 肩颈酸痛, 失眠. */
  @Property({ type: EncryptedJson, columnType: 'text' })
  currentComplaints: string[] = [];

  /** 养生目标 */
  @Property({ type: EncryptedJson, columnType: 'text' })
  wellnessGoals: string[] = [];

  /**
   * Blind indexes of the two lists, one HMAC per item (src/core/crypto/envelope.ts blindIndex), set
   * when the list is sealed: what segment rules match on (src/services/segments/segment-rule.ts).
   */
  @Property({ type: TextArrayType, columnType: 'text[]', hidden: true })
  currentComplaintsIndex: string[] = [];

  @Property({ type: TextArrayType, columnType: 'text[]', hidden: true })
  wellnessGoalsIndex: string[] = [];

  @Property({ type: EncryptedText, columnType: 'text', nullable: true })
  notes?: string;

  @Property({ version: true })
  version!: number;
}
