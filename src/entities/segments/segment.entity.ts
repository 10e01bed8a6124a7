import { Entity, ManyToOne, Property, type Ref, OptionalProps, Unique, Check } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { User } from '../staff/user.entity';

/**
 * The filters of a segment (客户分群) or of a rule-based tag, stored as JSON. Every condition given
 * must hold. Relative day counts let a rule stay true over time (沉睡客户: no visit for 90 days).
 */
export interface SegmentRule {
  tierIds?: string[];
  tagIdsAny?: string[];
  lastVisitBefore?: string;
  lastVisitAfter?: string;
  lastVisitWithinDays?: number;
  noVisitForDays?: number;
  createdWithinDays?: number;
  minVisits?: number;
  maxVisits?: number;
  /** 分 */
  minLifetimeSpend?: number;
  maxLifetimeSpend?: number;
  minAge?: number;
  maxAge?: number;
  genders?: string[];
  storeIds?: string[];
  /** Has granted marketing consent on at least one of these channels. */
  consentChannelsAny?: string[];
  /** 养生目标 (not health conditions): any of these goals. */
  wellnessGoalsAny?: string[];
  /** Health fields: only for callers who read every customer's clinical data. */
  constitutions?: string[];
  currentComplaintsAny?: string[];
  /** RFM segment keys (any of), as of the organization's RFM snapshot (customer_rfm). */
  rfmSegments?: string[];
}

/** 客户分群: a saved set of filters; its members are computed when asked for, never stored. */
@Entity()
@Check({ name: 'segment_rule_check', expression: `jsonb_typeof(rule) = 'object'` })
@Unique({ properties: ['organization', 'name'] })
export class Segment extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'version';

  @Property({ length: 50 })
  name!: string;

  @Property({ length: 500, nullable: true })
  description?: string;

  @Property({ type: 'json' })
  rule!: SegmentRule;

  @ManyToOne(() => User, { ref: true, nullable: true })
  createdBy?: Ref<User>;

  @Property({ version: true })
  version!: number;
}
