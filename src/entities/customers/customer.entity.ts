import {
  Collection,
  Entity,
  Enum,
  Index,
  ManyToMany,
  ManyToOne,
  OneToMany,
  OneToOne,
  Property,
  type Ref,
  Unique,
  OptionalProps,
  Check,
} from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { MembershipTier } from '../membership/membership-tier.entity';
import {
  ContactChannel,
  CustomerSource,
  CustomerStatus,
  Gender,
  PressurePreference,
} from './customers.enums';
import type { ContactConsent } from './contact-consent.entity';
import type { HealthProfile } from '../health/health-profile.entity';
import { Store } from '../organization/store.entity';
import { Tag } from './tag.entity';
import { CustomerTag } from './customer-tag.entity';
import { User } from '../staff/user.entity';

export interface CustomerPreferences {
  serviceTypes?: string[];
  productBrands?: string[];
  scents?: string[];
  /** True when the customer wants no essential oils or scents at all. */
  noScent?: boolean;
  pressure?: PressurePreference;
  music?: string;
  lighting?: string;
  roomTemperature?: string;
  dietaryRestrictions?: string[];
  other?: string;
}

export interface ImportantDate {
  kind: string;
  label: string;
  /** ISO date; the year may be unknown, then it is stored as 1900. */
  date: string;
}

/** 客户档案: the customer record, shared by all stores of the organization. */
@Entity()
@Index({ name: 'customer_assigned_consultant_index', properties: ['assignedConsultant'] })
@Index({ name: 'customer_assigned_therapist_index', properties: ['assignedTherapist'] })
@Index({ name: 'customer_phone_last4_index', properties: ['organization', 'phoneLast4'] })
@Index({ name: 'customer_name_pinyin_order_index', properties: ['organization', 'namePinyin', 'id'] })
// 客户构成 (reports/customer-composition.ts) reads these columns of every live customer: index-only.
@Index({
  name: 'customer_composition_index',
  expression:
    'create index customer_composition_index on customer (organization_id) include (tier_id, gender, source, birthday, home_store_id) where archived_at is null',
})
@Index({
  name: 'customer_live_index',
  expression: 'create index customer_live_index on customer (organization_id) where archived_at is null',
})
@Index({
  name: 'customer_name_prefix_index',
  expression:
    'create index customer_name_prefix_index on customer (organization_id, name text_pattern_ops) where archived_at is null',
})
@Index({
  name: 'customer_pinyin_prefix_index',
  expression:
    'create index customer_pinyin_prefix_index on customer (organization_id, name_pinyin text_pattern_ops)',
})
@Index({
  name: 'customer_initials_prefix_index',
  expression:
    'create index customer_initials_prefix_index on customer (organization_id, name_initials text_pattern_ops)',
})
@Index({
  name: 'customer_name_trigram_index',
  expression: 'create index customer_name_trigram_index on customer using gin (name gin_trgm_ops)',
})
@Check({ name: 'customer_phone_e164_check', expression: `phone is null or phone ~ '^\\+[1-9][0-9]{6,14}$'` })
@Check({
  name: 'customer_phone_last4_check',
  expression: 'phone_last4 is null or phone_last4 = right(phone, 4)',
})
@Check({ name: 'customer_not_own_referrer_check', expression: 'referrer_id is null or referrer_id <> id' })
@Check({ name: 'customer_visit_count_check', expression: 'visit_count >= 0' })
@Check({ name: 'customer_lifetime_spend_check', expression: 'lifetime_spend >= 0' })
@Check({
  name: 'customer_marketing_cap_check',
  expression:
    '(marketing_cap_count is null) = (marketing_cap_days is null) and (marketing_cap_count is null or (marketing_cap_count >= 0 and marketing_cap_days > 0))',
})
@Check({
  name: 'customer_health_consent_check',
  expression:
    '(health_consent_given_at is null) = (health_consent_source is null) and (health_consent_withdrawn_at is null or health_consent_given_at is not null)',
})
@Unique({ properties: ['organization', 'code'] })
@Unique({ properties: ['organization', 'phone'] })
@Unique({ properties: ['organization', 'externalId'] })
@Index({ properties: ['organization', 'createdAt', 'id'] })
// Duplicate candidates (customers/duplicate-customers.service.ts): one index per reason, live records only.
@Index({
  name: 'customer_duplicate_name_birthday_index',
  expression:
    'create index customer_duplicate_name_birthday_index on customer (organization_id, name, birthday) where birthday is not null and merged_at is null',
})
@Index({
  name: 'customer_duplicate_pinyin_last4_index',
  expression:
    'create index customer_duplicate_pinyin_last4_index on customer (organization_id, name_pinyin, phone_last4) where phone_last4 is not null and merged_at is null',
})
@Index({
  name: 'customer_duplicate_email_index',
  expression:
    'create index customer_duplicate_email_index on customer (organization_id, lower(email)) where email is not null and merged_at is null',
})
@Index({
  name: 'customer_merged_into_index',
  expression:
    'create index customer_merged_into_index on customer (merged_into_id) where merged_into_id is not null',
})
@Check({
  name: 'customer_merged_check',
  expression:
    '(merged_into_id is null) = (merged_at is null) and (merged_into_id is null or merged_into_id <> id)',
})
export class Customer extends OrganizationScoped {
  [OptionalProps]?:
    | 'id'
    | 'createdAt'
    | 'updatedAt'
    | 'importantDates'
    | 'preferences'
    | 'visitCount'
    | 'lifetimeSpend'
    | 'doNotContact'
    | 'version';

  /** 客户编号, e.g. C000123: assigned from the organization's counter. */
  @Property({ length: 20 })
  code!: string;

  @Property({ length: 50 })
  name!: string;

  /** Full pinyin without tones or spaces (张三 → zhangsan), for search. */
  @Property({ length: 300 })
  namePinyin!: string;

  /** Pinyin initials (张三 → zs), for search. */
  @Property({ length: 50 })
  nameInitials!: string;

  @Enum({ items: () => Gender, nativeEnumName: 'gender', nullable: true })
  gender?: Gender;

  @Property({ type: 'date', nullable: true })
  birthday?: string;

  /** E.164, e.g. +8613800138000. */
  @Property({ length: 20, nullable: true })
  phone?: string;

  /** 尾号: last four digits of the phone, for the front desk's quick lookup. */
  @Property({ length: 4, nullable: true })
  phoneLast4?: string;

  @Property({ length: 254, nullable: true })
  email?: string;

  @Property({ length: 300, nullable: true })
  address?: string;

  @Property({ length: 100, nullable: true })
  occupation?: string;

  @Enum({ items: () => CustomerSource, nativeEnumName: 'customer_source', nullable: true })
  source?: CustomerSource;

  @Property({ length: 200, nullable: true })
  sourceNote?: string;

  @ManyToOne(() => Customer, { ref: true, nullable: true, deleteRule: 'set null' })
  referrer?: Ref<Customer>;

  @ManyToOne(() => Store, { ref: true, nullable: true, deleteRule: 'set null' })
  homeStore?: Ref<Store>;

  /** Set by staff to override the status derived from the last visit. */
  @Enum({ items: () => CustomerStatus, nativeEnumName: 'customer_status', nullable: true })
  statusOverride?: CustomerStatus;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  assignedConsultant?: Ref<User>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  assignedTherapist?: Ref<User>;

  @ManyToMany({ entity: () => Tag, pivotEntity: () => CustomerTag })
  tags = new Collection<Tag>(this);

  @Property({ type: 'json' })
  importantDates: ImportantDate[] = [];

  @Property({ type: 'json' })
  preferences: CustomerPreferences = {};

  @Property({ type: 'text', nullable: true })
  notes?: string;

  @Property({ length: 500, nullable: true })
  photoUrl?: string;

  @Property({ length: 100, nullable: true })
  externalId?: string;

  @Property({ type: 'integer' })
  visitCount: number = 0;

  @Property({ type: 'timestamptz', nullable: true })
  lastVisitAt?: Date;

  /** 累计消费 in minor units (分). */
  @Property({ type: 'bigint', columnType: 'bigint' })
  lifetimeSpend: number = 0;

  @Property({ type: 'timestamptz', nullable: true })
  archivedAt?: Date;

  /** 会员等级, kept current by tier evaluation. */
  @ManyToOne(() => MembershipTier, { ref: true, nullable: true, deleteRule: 'set null' })
  tier?: Ref<MembershipTier>;

  /** When the referrer was rewarded for this customer's first payment (推荐奖励, once). */
  @Property({ type: 'timestamptz', nullable: true })
  referralRewardedAt?: Date;

  /** 勿扰: no marketing at all, whatever the channel consents say. Service contacts still happen. */
  @Property()
  doNotContact: boolean = false;

  /** The channel the customer likes to be reached on (喜欢的沟通方式). */
  @Enum({ items: () => ContactChannel, nativeEnumName: 'contact_channel', nullable: true })
  preferredChannel?: ContactChannel;

  /** Frequency cap override: at most this many marketing tasks … (null: the organization's). */
  @Property({ type: 'integer', nullable: true })
  marketingCapCount?: number;

  /** … within this many days. */
  @Property({ type: 'integer', nullable: true })
  marketingCapDays?: number;

  /** Separate consent to process health data (PIPL art. 29): when and how it was given. */
  @Property({ type: 'timestamptz', nullable: true })
  healthConsentGivenAt?: Date;

  @Property({ length: 100, nullable: true })
  healthConsentSource?: string;

  /** For a customer under 14 (PIPL art. 31): the guardian who consented, e.g. 母亲 王丽. */
  @Property({ length: 100, nullable: true })
  healthConsentGuardian?: string;

  /** Withdrawn: the health profile is hidden from every role but OWNER, and nothing more is written. */
  @Property({ type: 'timestamptz', nullable: true })
  healthConsentWithdrawnAt?: Date;

  /**
   * 已删除 (PIPL art. 47): when the personal data was erased (customers/customer-erasure.service.ts).
   * The record stays, under a pseudonym, for the books; a trigger refuses any later change of it.
   */
  @Property({ type: 'timestamptz', nullable: true })
  erasedAt?: Date;

  /** Who erased it; null for the retention rule's job (the audit row says which). */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  erasedBy?: Ref<User>;

  /**
   * 合并: the survivor this duplicate was merged into (mergeCustomers). The record keeps its id and
   * code so that an integration holding them can follow; everything else of it moved to the survivor.
   */
  @ManyToOne(() => Customer, { ref: true, nullable: true, deleteRule: 'set null' })
  mergedInto?: Ref<Customer>;

  /** When it was merged; set together with mergedInto (CHECK customer_merged_check). */
  @Property({ type: 'timestamptz', nullable: true })
  mergedAt?: Date;

  @Property({ version: true })
  version!: number;

  /** Marketing consent per channel (see ContactConsent); used in queries, loaded via a DataLoader. */
  @OneToMany({ entity: 'ContactConsent', mappedBy: 'customer' })
  contactConsents = new Collection<ContactConsent>(this);

  @OneToOne({ entity: 'HealthProfile', mappedBy: 'customer', nullable: true, ref: true })
  healthProfile?: Ref<HealthProfile>;
}
