import { Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType({
  description: 'Consent to process health data (PIPL art. 29), signed by the customer or guardian.',
})
export class GiveHealthConsentInput {
  @Field(() => ID)
  customerId!: string;

  @Field({ description: 'How it was given, e.g. 健康档案知情同意书 (纸质签字); 1–100 characters.' })
  @Length(1, 100)
  source!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Required under 14 (PIPL art. 31): the guardian who consents, e.g. 母亲 王丽.',
  })
  @Length(1, 100)
  guardian?: string;
}

@InputType()
export class WithdrawHealthConsentInput {
  @Field(() => ID)
  customerId!: string;

  @Field({ description: 'How it was withdrawn, e.g. 客户电话要求; 1–100 characters.' })
  @Length(1, 100)
  source!: string;
}
