import { IsUUID, Length, Matches, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { StockMovementReason } from '../enums.type';
import { MAX_MINOR_UNITS } from './catalogue.inputs';

/** Largest stock quantity one movement or threshold may carry. */
const MAX_QUANTITY = 1_000_000;

@InputType({ description: 'A 产品 / 耗材; on update, omitted fields stay as they are.' })
export class ProductInput {
  @Field({ nullable: true, description: 'SKU code, unique in the organization. Required to create.' })
  @Matches(/^[A-Za-z0-9_-]{1,30}$/, { message: 'code is 1–30 letters, digits, - or _' })
  code?: string;

  @Field({ nullable: true, description: 'Required to create.' })
  @Length(1, 100)
  name?: string;

  @Field(() => String, { nullable: true, description: 'Null clears it.' })
  @MaxLength(50)
  brand?: string | null;

  @Field(() => String, { nullable: true, description: '规格, e.g. 100ml/瓶; null clears it.' })
  @MaxLength(50)
  spec?: string | null;

  @Field({ nullable: true, description: 'Unit stock is counted in: ml, 瓶, 片 … Required to create.' })
  @Length(1, 10)
  unit?: string;

  @Field(() => Int, { nullable: true, description: '进价 in 分. Required to create.' })
  @Min(0)
  @Max(MAX_MINOR_UNITS)
  costMinorUnits?: number;

  @Field(() => Int, { nullable: true, description: '售价 in 分. Required to create.' })
  @Min(0)
  @Max(MAX_MINOR_UNITS)
  priceMinorUnits?: number;

  @Field(() => Int, { nullable: true, description: 'Default 库存预警 level of every store; default 0.' })
  @Min(0)
  @Max(MAX_QUANTITY)
  lowStockThreshold?: number;
}

@InputType()
export class ProductFilter {
  @Field({ nullable: true, description: 'Only active (true) or inactive (false) products.' })
  active?: boolean;

  @Field({ nullable: true, description: 'Part of the name, brand or code.' })
  @Length(1, 50)
  search?: string;
}

@InputType({ description: '入库: stock arriving at a store.' })
export class ReceiveStockInput {
  @Field(() => ID)
  @IsUUID()
  storeId!: string;

  @Field(() => ID)
  @IsUUID()
  productId!: string;

  @Field(() => Int, { description: '1–1,000,000 units.' })
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity!: number;

  @Field({ nullable: true, description: 'e.g. supplier and delivery note number.' })
  @MaxLength(200)
  note?: string;
}

@InputType({ description: '盘点调整: a correction after counting, a breakage, a loss.' })
export class AdjustStockInput {
  @Field(() => ID)
  @IsUUID()
  storeId!: string;

  @Field(() => ID)
  @IsUUID()
  productId!: string;

  @Field(() => Int, { description: 'Units added (positive) or removed (negative); never 0.' })
  @NotEquals(0)
  @Min(-MAX_QUANTITY)
  @Max(MAX_QUANTITY)
  delta!: number;

  @Field({ description: 'Why: required, 1–200 characters (盘亏, 破损, 过期 …).' })
  @Length(1, 200)
  note!: string;
}

@InputType()
export class StockMovementFilter {
  @Field(() => ID, { nullable: true })
  @IsUUID()
  productId?: string;

  @Field(() => StockMovementReason, { nullable: true })
  reason?: StockMovementReason;
}
