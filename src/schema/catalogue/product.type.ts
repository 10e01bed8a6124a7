import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../connection.type';
import { StockMovementReason } from '../enums.type';
import { Money } from '../money.type';
import { StoreType } from '../organization/organization.type';
import { StaffMemberType } from '../staff/staff.type';

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

  @Field(() => Int, { nullable: true, description: 'Pass it as expectedVersion to updateProduct.' })
  version?: number;

  @Field(() => [ProductStockType], { nullable: true, description: 'Stock in each store that has had any.' })
  stocks?: ProductStockType[];
}

@ObjectType('ProductStock', { description: '库存 of a product in a store.' })
export class ProductStockType {
  @Field(() => ProductType)
  product!: ProductType;

  @Field(() => StoreType)
  store!: StoreType;

  @Field(() => Int, {
    description: 'Equals the sum of the stock movements; negative only where the store allows.',
  })
  quantity!: number;

  @Field(() => Int, { description: "This store's threshold, else the product's." })
  threshold!: number;

  @Field(() => Int, {
    nullable: true,
    description: "The store's own threshold; null: the product's applies.",
  })
  storeThreshold?: number;
}

@ObjectType('StockMovement', { description: 'One change of stock: append-only, never edited.' })
export class StockMovementType {
  @Field(() => ID)
  id!: string;

  @Field(() => ProductType)
  product!: ProductType;

  @Field(() => Int, { description: 'Units added (positive) or taken (negative).' })
  delta!: number;

  @Field(() => StockMovementReason)
  reason!: StockMovementReason;

  @Field(() => String, { nullable: true })
  note?: string;

  @Field(() => ID, { nullable: true, description: 'The visit that used it (VISIT_USE).' })
  visitId?: string;

  @Field(() => StaffMemberType, { nullable: true, description: 'Who recorded it; null for integrations.' })
  recordedBy?: StaffMemberType;

  @Field()
  createdAt!: Date;
}

@ObjectType()
export class StockMovementConnection extends Connection('StockMovement', StockMovementType) {}

@ObjectType()
export class ProductConnection extends Connection('Product', ProductType) {}
