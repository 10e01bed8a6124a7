import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '../money.type';

@ObjectType({
  description:
    '产品排行: one product by the units used in the period’s visits (products are consumed in services, not sold here).',
})
export class ProductRank {
  @Field(() => ID)
  productId!: string;

  @Field()
  name!: string;

  @Field({ description: 'The unit quantities are in (ml, 片 …).' })
  unit!: string;

  @Field(() => Int, { description: 'Visit lines that recorded using it.' })
  uses!: number;

  @Field(() => Int, { description: 'Units used.' })
  quantity!: number;

  @Field(() => Money, { description: 'Those units at the product’s 售价 today: a value, not money taken.' })
  value!: Money;
}
