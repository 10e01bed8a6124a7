import { Entity, Enum, Index, ManyToOne, Property, type Ref, OptionalProps } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { CareTask } from './care-task.entity';
import { Customer } from '../customers/customer.entity';
import { ContactChannel } from '../customers/customers.enums';
import { FollowUpStatus } from './care.enums';
import { Store } from '../organization/store.entity';
import { User } from '../staff/user.entity';

/**
 * 沟通记录: one contact with a customer (日期 | 沟通方式 | 沟通内容概要 | 跟进事项 | 负责人 | 完成状态).
 * Open follow-up items belong to their owner until done or cancelled.
 */
@Entity({ tableName: 'communication_entry' })
@Index({ properties: ['customer', 'occurredAt', 'id'] })
@Index({ properties: ['owner', 'status', 'dueAt'] })
export class Communication extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'version' | 'status';

  @ManyToOne(() => Customer, { ref: true })
  customer!: Ref<Customer>;

  @ManyToOne(() => Store, { ref: true, nullable: true })
  store?: Ref<Store>;

  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  @Enum({ items: () => ContactChannel, nativeEnumName: 'contact_channel' })
  channel!: ContactChannel;

  /** 沟通内容概要, e.g. 满意度回访: 肩颈明显放松. */
  @Property({ type: 'text' })
  summary!: string;

  /** 跟进事项: what still has to happen; empty when nothing does. */
  @Property({ type: 'text', nullable: true })
  followUpItems?: string;

  /** 负责人 of the follow-up items. */
  @ManyToOne(() => User, { ref: true, nullable: true })
  owner?: Ref<User>;

  @Property({ type: 'timestamptz', nullable: true })
  dueAt?: Date;

  @Enum({ items: () => FollowUpStatus, nativeEnumName: 'follow_up_status' })
  status: FollowUpStatus = FollowUpStatus.OPEN;

  /** The care task this contact carried out, if any. */
  @ManyToOne(() => CareTask, { ref: true, nullable: true })
  careTask?: Ref<CareTask>;

  @ManyToOne(() => User, { ref: true, nullable: true })
  recordedBy?: Ref<User>;

  @Property({ version: true })
  version!: number;
}
