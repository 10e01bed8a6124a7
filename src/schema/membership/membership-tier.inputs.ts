import { Length, Max, MaxLength, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { MAX_MINOR_UNITS } from '../catalogue/catalogue.inputs';

@InputType({ description: 'A 会员等级; on update, omitted fields stay as they are.' })
export class MembershipTierInput {
  @Field({ nullable: true, description: 'e.g. 金卡; unique. Required to create.' })
  @Length(1, 30)
  name?: string;

  @Field(() => Int, { nullable: true, description: '0 (entry tier) and up; unique. Required to create.' })
  @Min(0)
  @Max(100)
  rank?: number;

  @Field(() => Int, { nullable: true, description: 'Discount in basis points: 1200 = 12% off (8.8折).' })
  @Min(0)
  @Max(10_000)
  discountBasisPoints?: number;

  @Field(() => Int, { nullable: true, description: 'Points multiplier in percent: 150 = 1.5×.' })
  @Min(0)
  @Max(1000)
  pointsMultiplierPercent?: number;

  @Field(() => String, { nullable: true, description: '权益 text; null clears it.' })
  @MaxLength(500)
  benefits?: string | null;

  @Field(() => Int, { nullable: true, description: 'Spend over the window to hold the tier, in 分.' })
  @Min(0)
  @Max(MAX_MINOR_UNITS)
  minSpendMinorUnits?: number;

  @Field(() => Int, { nullable: true, description: 'Visits over the window to hold the tier.' })
  @Min(0)
  @Max(10_000)
  minVisits?: number;
}
