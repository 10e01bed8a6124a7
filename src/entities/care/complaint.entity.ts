import { Entity, Enum, Index, ManyToOne, Property, type Ref, OptionalProps, Check } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { Customer } from '../customers/customer.entity';
import { ComplaintStatus } from './care.enums';
import { ContactChannel } from '../customers/customers.enums';
import { Store } from '../organization/store.entity';
import { User } from '../staff/user.entity';
import { Visit } from '../visits/visit.entity';

/**
 * 投诉 / 异议: 日期, 事由, 处理方案, 处理结果, 客户满意度. Service levels: respond within 24 h and
 * resolve within 48 h of receipt; both deadlines are stored so that breaches are plain queries.
 */
@Entity()
@Index({
  name: 'complaint_open_deadlines_index',
  expression: `create index complaint_open_deadlines_index on complaint (organization_id, resolve_by) where status <> 'RESOLVED'`,
})
@Check({
  name: 'complaint_deadlines_check',
  expression: 'respond_by > received_at and resolve_by >= respond_by',
})
@Check({
  name: 'complaint_satisfaction_check',
  expression: 'satisfaction_after is null or (satisfaction_after >= 1 and satisfaction_after <= 5)',
})
@Check({
  name: 'complaint_status_check',
  expression: `(status = 'OPEN') = (responded_at is null) and (status = 'RESOLVED') = (resolved_at is not null)`,
})
@Index({ properties: ['customer', 'receivedAt', 'id'] })
@Index({ properties: ['organization', 'receivedAt', 'id'] })
export class Complaint extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'version' | 'status';

  @ManyToOne(() => Customer, { ref: true })
  customer!: Ref<Customer>;

  @ManyToOne(() => Store, { ref: true })
  store!: Ref<Store>;

  @Property({ type: 'timestamptz' })
  receivedAt!: Date;

  @Enum({ items: () => ContactChannel, nativeEnumName: 'contact_channel' })
  channel!: ContactChannel;

  /** 事由 in a few words, e.g. 精油过敏. */
  @Property({ length: 200 })
  subject!: string;

  @Property({ type: 'text' })
  description!: string;

  @ManyToOne(() => Visit, { ref: true, nullable: true })
  visit?: Ref<Visit>;

  @ManyToOne(() => User, { ref: true, nullable: true })
  therapist?: Ref<User>;

  /** 处理方案 */
  @Property({ type: 'text', nullable: true })
  handlingPlan?: string;

  /** 处理结果 */
  @Property({ type: 'text', nullable: true })
  result?: string;

  /** 客户满意度 after handling, 1–5. */
  @Property({ type: 'smallint', nullable: true })
  satisfactionAfter?: number;

  @ManyToOne(() => User, { ref: true, nullable: true })
  owner?: Ref<User>;

  @Enum({ items: () => ComplaintStatus, nativeEnumName: 'complaint_status' })
  status: ComplaintStatus = ComplaintStatus.OPEN;

  @Property({ type: 'timestamptz' })
  respondBy!: Date;

  @Property({ type: 'timestamptz' })
  resolveBy!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  respondedAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  resolvedAt?: Date;

  @ManyToOne(() => User, { ref: true, nullable: true })
  recordedBy?: Ref<User>;

  @Property({ version: true })
  version!: number;
}
