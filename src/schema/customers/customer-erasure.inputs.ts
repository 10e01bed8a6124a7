import { Length, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({
  description:
    '删除个人信息 (PIPL art. 47): irreversible. The health profile and every note go, the identity becomes 已删除客户 + code; money and visits stay.',
})
export class EraseCustomerInput {
  @Field(() => ID)
  id!: string;

  @Field({
    description:
      'Why, kept in the audit log (1–50 characters, e.g. 客户本人书面申请); must not name the customer, their phone or email.',
  })
  @Length(1, 50)
  reason!: string;

  @Field({ description: "The customer's code (C000123), typed again: nothing is erased when it differs." })
  @Length(1, 20)
  confirm!: string;

  @Field({
    description:
      'Idempotency key (8–100 characters): sent again with the same input, the first answer comes back and nothing runs twice.',
  })
  idempotencyKey!: string;
}

@InputType({ description: 'The retention rule: erase LOST customers without a visit for this many years.' })
export class CustomerRetentionInput {
  @Field(() => Int, { nullable: true, description: '1–100 years; null turns the rule off (the default).' })
  @Min(1)
  @Max(100)
  eraseLostCustomersAfterYears?: number | null;
}
