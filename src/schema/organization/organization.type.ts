import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('Organization', { description: 'The business or chain of stores the caller belongs to.' })
export class OrganizationType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({
    description: 'IANA time zone that defines "today" for the organization; Asia/Shanghai by default.',
  })
  timezone!: string;

  @Field()
  currency!: string;

  @Field(() => Int, { description: 'Days without a visit after which a customer is DORMANT (休眠).' })
  dormantAfterDays!: number;

  @Field(() => Int, { description: 'Days without a visit after which a customer is LOST (流失).' })
  lostAfterDays!: number;
}

@ObjectType('Store', { description: '门店: a location of the organization.' })
export class StoreType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  code!: string;

  @Field()
  timezone!: string;

  @Field({ nullable: true })
  address?: string;

  @Field({ nullable: true })
  phone?: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether stock may go below zero here. OWNER, MANAGER and FRONT_DESK.',
  })
  allowNegativeStock?: boolean;
}
