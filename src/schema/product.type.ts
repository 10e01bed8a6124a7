import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from './money.type';

@ObjectType('Product', { description: '产品 / 耗材: sold or used in services.' })
export class ProductType {
  @Field(() => ID)
  id!: string;

  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  brand?: string;

  @Field(() => String, { nullable: true, description: '规格, e.g. 100ml.' })
  spec?: string;

  @Field({ description: 'Unit of stock quantities, e.g. ml, 片.' })
  unit!: string;

  @Field(() => Money, { nullable: true, description: 'Retail price.' })
  price?: Money;

  @Field(() => Money, { nullable: true, description: '成本: OWNER and MANAGER only.' })
  cost?: Money;

  @Field(() => Int, { description: 'Default 库存预警 level of every store.' })
  lowStockThreshold!: number;

  @Field()
  active!: boolean;
}

@ObjectType('ProductStock', { description: '库存 of a product in a store.' })
export class ProductStockType {
  @Field(() => ProductType)
  product!: ProductType;

  @Field(() => Int, {
    description: 'Equals the sum of the stock movements; negative only where the store allows.',
  })
  quantity!: number;

  @Field(() => Int, { description: "This store's threshold, else the product's." })
  threshold!: number;
}
