import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../connection.type';
import { CustomerType } from '../customers/customer.type';
import { CarePurpose, CareTaskKind, ContactChannel, FollowUpStatus } from '../enums.type';
import { StoreType } from '../organization/organization.type';
import { StaffMemberType } from '../staff/staff.type';

@ObjectType('CareTask', {
  description:
    'A follow-up the care schedule created (回访, 生日关怀, 沉睡唤醒, reminders, overdue complaints). The API sends nothing: frontends and integrations act on tasks.',
})
export class CareTaskType {
  @Field(() => ID)
  id!: string;

  @Field(() => CareTaskKind)
  kind!: CareTaskKind;

  @Field(() => CarePurpose)
  purpose!: CarePurpose;

  @Field({ description: 'Why, in Chinese, e.g. 服务后回访: 肩颈推拿 (11-22 15:00).' })
  reason!: string;

  @Field(() => ContactChannel)
  suggestedChannel!: ContactChannel;

  @Field(() => CustomerType)
  customer!: CustomerType;

  @Field(() => StoreType, { nullable: true })
  store?: StoreType;

  @Field(() => StaffMemberType, {
    nullable: true,
    description: 'The customer’s consultant, else the store manager.',
  })
  owner?: StaffMemberType;

  @Field({ description: 'Not before this instant.' })
  availableFrom!: Date;

  @Field()
  dueAt!: Date;

  @Field(() => FollowUpStatus)
  status!: FollowUpStatus;

  @Field(() => ID, { nullable: true, description: 'The visit a 回访 is about.' })
  visitId?: string;

  @Field(() => ID, { nullable: true, description: 'The complaint an overdue or follow-up task is about.' })
  complaintId?: string;

  @Field(() => ID, { nullable: true, description: 'The card or stored-value account a reminder is about.' })
  accountId?: string;

  @Field(() => Date, { nullable: true })
  completedAt?: Date;

  @Field(() => String, { nullable: true })
  outcome?: string;

  @Field(() => Int, { description: 'Pass it as expectedVersion to completeCareTask / cancelCareTask.' })
  version!: number;
}

@ObjectType()
export class CareTaskConnection extends Connection('CareTask', CareTaskType) {}

@ObjectType('Communication', {
  description: '沟通记录: 日期, 沟通方式, 沟通内容概要, 跟进事项, 负责人, 完成状态.',
})
export class CommunicationType {
  @Field(() => ID)
  id!: string;

  @Field()
  occurredAt!: Date;

  @Field(() => ContactChannel)
  channel!: ContactChannel;

  @Field()
  summary!: string;

  @Field(() => String, { nullable: true, description: '跟进事项; null when nothing is left to do.' })
  followUpItems?: string;

  @Field(() => StaffMemberType, { nullable: true, description: '负责人 of the follow-up items.' })
  owner?: StaffMemberType;

  @Field(() => Date, { nullable: true })
  dueAt?: Date;

  @Field(() => FollowUpStatus)
  status!: FollowUpStatus;

  @Field(() => CustomerType)
  customer!: CustomerType;

  @Field(() => StoreType, { nullable: true })
  store?: StoreType;

  @Field(() => ID, { nullable: true, description: 'The care task this contact carried out.' })
  careTaskId?: string;

  @Field(() => StaffMemberType, { nullable: true })
  recordedBy?: StaffMemberType;

  @Field(() => Int)
  version!: number;
}

@ObjectType()
export class CommunicationConnection extends Connection('Communication', CommunicationType) {}

@ObjectType('CareTaskCount')
export class CareTaskCountType {
  @Field(() => CareTaskKind)
  kind!: CareTaskKind;

  @Field(() => Int)
  created!: number;
}

@ObjectType('CareScheduleRun', { description: 'What one run of the care schedule created.' })
export class CareScheduleRunType {
  @Field(() => [CareTaskCountType])
  created!: CareTaskCountType[];

  @Field(() => Int)
  total!: number;
}
