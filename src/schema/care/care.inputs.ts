import { Field, ID, InputType, Int } from 'type-graphql';
import { CareTaskKind, ContactChannel, FollowUpStatus } from '../enums.type';

@InputType({ description: 'Filter of care tasks; status defaults to OPEN.' })
export class CareTaskFilter {
  @Field(() => FollowUpStatus, { nullable: true })
  status?: FollowUpStatus;

  @Field(() => [CareTaskKind], { nullable: true })
  kinds?: CareTaskKind[];

  @Field(() => ID, { nullable: true, description: 'Owner; ignored by myCareTasks.' })
  ownerId?: string;

  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field(() => ID, { nullable: true })
  storeId?: string;

  @Field({ nullable: true, description: 'Due at or before this instant (e.g. end of today).' })
  dueBefore?: Date;

  @Field({ nullable: true })
  dueAfter?: Date;
}

@InputType()
export class CompleteCareTaskInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field({ description: 'What came of it, e.g. 客户表示满意, 下周再约.' })
  outcome!: string;

  @Field(() => ContactChannel, {
    nullable: true,
    description: 'How the customer was reached; given, the contact is also logged as a communication.',
  })
  channel?: ContactChannel;
}

@InputType()
export class CancelCareTaskInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field({ description: 'Why, e.g. 客户已到店, 号码停机.' })
  reason!: string;
}

@InputType({ description: 'A contact with a customer (沟通记录).' })
export class RecordCommunicationInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ID, { nullable: true })
  storeId?: string;

  @Field({ nullable: true, description: 'Default: now.' })
  occurredAt?: Date;

  @Field(() => ContactChannel)
  channel!: ContactChannel;

  @Field({ description: '沟通内容概要, 1–2000 characters.' })
  summary!: string;

  @Field(() => String, {
    nullable: true,
    description: '跟进事项. Given, the entry is an OPEN follow-up; without, it is DONE.',
  })
  followUpItems?: string;

  @Field(() => ID, { nullable: true, description: '负责人 of the follow-up; default: the caller.' })
  ownerId?: string;

  @Field({ nullable: true, description: 'Default for a follow-up: 24 h after occurredAt.' })
  dueAt?: Date;
}

@InputType({ description: 'Change the follow-up of a communication; omitted fields stay.' })
export class UpdateCommunicationInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field(() => FollowUpStatus, { nullable: true })
  status?: FollowUpStatus;

  @Field(() => String, { nullable: true })
  followUpItems?: string;

  @Field(() => ID, { nullable: true })
  ownerId?: string;

  @Field({ nullable: true })
  dueAt?: Date;
}

@InputType({ description: 'Open follow-ups by due date; status defaults to OPEN.' })
export class FollowUpFilter {
  @Field(() => ID, { nullable: true, description: 'One staff member’s (负责人); ignored by myFollowUps.' })
  ownerId?: string;

  @Field(() => FollowUpStatus, { nullable: true })
  status?: FollowUpStatus;

  @Field({ nullable: true })
  dueBefore?: Date;

  @Field({ nullable: true })
  dueAfter?: Date;
}
