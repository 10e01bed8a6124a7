import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../connection.type';
import { CustomerType } from '../customers/customer.type';
import { ComplaintBreach, ComplaintStatus, ContactChannel } from '../enums.type';
import { StoreType } from '../organization/organization.type';
import { StaffMemberType } from '../staff/staff.type';

registerEnumType(ComplaintBreach, {
  name: 'ComplaintBreach',
  description: 'Which service level was missed: respond within 24 h, resolve within 48 h.',
});

@ObjectType('Complaint', {
  description:
    '投诉 / 异议: 事由, 处理方案, 处理结果, 客户满意度. Respond within 24 h and resolve within 48 h; a missed deadline is a breach and gives the store manager a task.',
})
export class ComplaintType {
  @Field(() => ID)
  id!: string;

  @Field(() => CustomerType)
  customer!: CustomerType;

  @Field(() => StoreType)
  store!: StoreType;

  @Field()
  receivedAt!: Date;

  @Field(() => ContactChannel)
  channel!: ContactChannel;

  @Field({ description: '事由 in a few words.' })
  subject!: string;

  @Field(() => String, { nullable: true, description: 'Managers only.' })
  description?: string;

  @Field(() => ID, { nullable: true })
  visitId?: string;

  @Field(() => StaffMemberType, { nullable: true, description: 'The therapist it is about.' })
  therapist?: StaffMemberType;

  @Field(() => String, { nullable: true, description: '处理方案' })
  handlingPlan?: string;

  @Field(() => String, { nullable: true, description: '处理结果' })
  result?: string;

  @Field(() => Int, { nullable: true, description: '客户满意度 after handling, 1–5.' })
  satisfactionAfter?: number;

  @Field(() => StaffMemberType, { nullable: true })
  owner?: StaffMemberType;

  @Field(() => ComplaintStatus)
  status!: ComplaintStatus;

  @Field({ description: 'Respond by: received + 24 h.' })
  respondBy!: Date;

  @Field({ description: 'Resolve by: received + 48 h.' })
  resolveBy!: Date;

  @Field(() => Date, { nullable: true })
  respondedAt?: Date;

  @Field(() => Date, { nullable: true })
  resolvedAt?: Date;

  @Field({ description: 'Responded late, or not yet and the deadline passed.' })
  responseBreached!: boolean;

  @Field({ description: 'Resolved late, or not yet and the deadline passed.' })
  resolutionBreached!: boolean;

  @Field(() => Int)
  version!: number;
}

@ObjectType()
export class ComplaintConnection extends Connection('Complaint', ComplaintType) {}
