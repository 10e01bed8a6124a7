import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  Property,
  type Ref,
  OptionalProps,
  Unique,
  Check,
} from '@mikro-orm/core';
import { Account } from '../membership/account.entity';
import { OrganizationScoped } from '../base.entity';
import { Complaint } from './complaint.entity';
import { Customer } from '../customers/customer.entity';
import { CarePurpose, CareTaskKind, FollowUpStatus } from './care.enums';
import { ContactChannel } from '../customers/customers.enums';
import { Store } from '../organization/store.entity';
import { User } from '../staff/user.entity';
import { Visit } from '../visits/visit.entity';

/**
 * A follow-up the care schedule created for a staff member: 回访, greetings, wake-ups, reminders,
 * overdue complaints. The API sends nothing itself; frontends and integrations act on these.
 * `dedupeKey` is unique per organization, so re-running a schedule never creates a task twice.
 */
@Entity()
@Index({
  name: 'care_task_organization_status_due_index',
  properties: ['organization', 'status', 'dueAt', 'id'],
})
@Index({
  name: 'care_task_complaint_index',
  expression:
    'create index care_task_complaint_index on care_task (complaint_id) where complaint_id is not null',
})
@Check({ name: 'care_task_window_check', expression: 'available_from <= due_at' })
@Check({ name: 'care_task_done_check', expression: `(status = 'OPEN') = (completed_at is null)` })
@Unique({ properties: ['organization', 'dedupeKey'] })
@Index({ properties: ['owner', 'status', 'dueAt'] })
@Index({ properties: ['customer', 'kind', 'createdAt'] })
// The frequency cap's count under the tenant policy (Migration20261204010000_care_task_tenant_index).
@Index({
  name: 'care_task_customer_organization_created_index',
  properties: ['customer', 'organization', 'createdAt'],
})
export class CareTask extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'version' | 'status';

  @ManyToOne(() => Customer, { ref: true })
  customer!: Ref<Customer>;

  @ManyToOne(() => Store, { ref: true, nullable: true })
  store?: Ref<Store>;

  @Enum({ items: () => CareTaskKind, nativeEnumName: 'care_task_kind' })
  kind!: CareTaskKind;

  @Enum({ items: () => CarePurpose, nativeEnumName: 'care_purpose' })
  purpose!: CarePurpose;

  /** Human-readable reason in Chinese, e.g. 服务后回访: 肩颈推拿 (11月22日). */
  @Property({ type: 'text' })
  reason!: string;

  @Enum({ items: () => ContactChannel, nativeEnumName: 'contact_channel' })
  suggestedChannel!: ContactChannel;

  /** The customer's consultant, else the store manager; null only if the organization has neither. */
  @ManyToOne(() => User, { ref: true, nullable: true })
  owner?: Ref<User>;

  /** Not to be done before this instant (回访: 24 h after the visit). */
  @Property({ type: 'timestamptz' })
  availableFrom!: Date;

  @Property({ type: 'timestamptz' })
  dueAt!: Date;

  @Enum({ items: () => FollowUpStatus, nativeEnumName: 'follow_up_status' })
  status: FollowUpStatus = FollowUpStatus.OPEN;

  @Property({ length: 200 })
  dedupeKey!: string;

  @ManyToOne(() => Visit, { ref: true, nullable: true, deleteRule: 'set null' })
  visit?: Ref<Visit>;

  @ManyToOne(() => Complaint, { ref: true, nullable: true })
  complaint?: Ref<Complaint>;

  @ManyToOne(() => Account, { ref: true, nullable: true })
  account?: Ref<Account>;

  @Property({ type: 'timestamptz', nullable: true })
  completedAt?: Date;

  @ManyToOne(() => User, { ref: true, nullable: true })
  completedBy?: Ref<User>;

  /** What came of it, e.g. 客户表示满意, 下周再约. */
  @Property({ type: 'text', nullable: true })
  outcome?: string;

  @Property({ version: true })
  version!: number;
}
