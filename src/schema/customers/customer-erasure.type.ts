import { Field, Int, ObjectType } from 'type-graphql';
import { CustomerType } from './customer.type';

@ObjectType('CustomerErasure', { description: 'An erasure done: the record under its pseudonym.' })
export class CustomerErasureType {
  @Field(() => CustomerType, { description: 'Name 已删除客户 + code; every personal field empty.' })
  customer!: unknown;

  @Field()
  erasedAt!: Date;
}

@ObjectType('CustomerRetention', { description: 'The retention rule of the organization (off by default).' })
export class CustomerRetentionType {
  @Field(() => Int, {
    nullable: true,
    description: 'LOST customers without a visit for this many years are erased by a daily job; null: off.',
  })
  eraseLostCustomersAfterYears?: number | null;
}
