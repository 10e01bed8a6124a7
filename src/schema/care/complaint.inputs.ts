import { Field, ID, InputType, Int } from 'type-graphql';
import { ComplaintBreach, ComplaintStatus, ContactChannel } from '../enums.type';

@InputType({ description: 'A complaint as received (投诉登记).' })
export class FileComplaintInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ID)
  storeId!: string;

  @Field({
    nullable: true,
    description: 'When the customer complained; default now. Deadlines count from it.',
  })
  receivedAt?: Date;

  @Field(() => ContactChannel)
  channel!: ContactChannel;

  @Field({ description: '事由, 1–200 characters.' })
  subject!: string;

  @Field({ description: '1–4000 characters.' })
  description!: string;

  @Field(() => ID, { nullable: true, description: 'The visit it is about (the customer’s own).' })
  visitId?: string;

  @Field(() => ID, { nullable: true })
  therapistId?: string;

  @Field(() => ID, { nullable: true, description: 'Who handles it; default: the store manager.' })
  ownerId?: string;
}

@InputType()
export class RespondToComplaintInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field({ description: '处理方案 told to the customer.' })
  handlingPlan!: string;
}

@InputType()
export class ResolveComplaintInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field({ description: '处理结果' })
  result!: string;

  @Field(() => Int, { nullable: true, description: '客户满意度 1–5, if already known.' })
  satisfactionAfter?: number;
}

@InputType({
  description: 'Later changes: owner, satisfaction after the follow-up call; omitted fields stay.',
})
export class UpdateComplaintInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field(() => ID, { nullable: true })
  ownerId?: string;

  @Field(() => Int, { nullable: true })
  satisfactionAfter?: number;
}

@InputType()
export class ComplaintFilter {
  @Field(() => [ComplaintStatus], { nullable: true })
  statuses?: ComplaintStatus[];

  @Field(() => ComplaintBreach, { nullable: true, description: 'Only complaints that missed this level.' })
  breached?: ComplaintBreach;

  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field(() => ID, { nullable: true })
  storeId?: string;
}
