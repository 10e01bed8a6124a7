import { Length, Max, MaxLength, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'When a customer without visits counts as DORMANT (休眠) and LOST (流失).' })
export class CustomerStatusSettingsInput {
  @Field(() => Int, { nullable: true, description: '1–3650 days; less than lostAfterDays.' })
  @Min(1)
  @Max(3650)
  dormantAfterDays?: number;

  @Field(() => Int, { nullable: true, description: '2–3650 days; more than dormantAfterDays.' })
  @Min(2)
  @Max(3650)
  lostAfterDays?: number;
}

@InputType({ description: 'Changes to a 门店; omitted fields stay as they are.' })
export class UpdateStoreInput {
  @Field({ nullable: true })
  @Length(1, 100)
  name?: string;

  @Field(() => String, { nullable: true, description: 'Null clears it.' })
  @MaxLength(200)
  address?: string | null;

  @Field(() => String, { nullable: true, description: 'Null clears it.' })
  @MaxLength(20)
  phone?: string | null;

  @Field({
    nullable: true,
    description: 'IANA time zone, e.g. Asia/Shanghai: decides "today", working hours and availability.',
  })
  @Length(1, 64)
  timezone?: string;

  @Field({
    nullable: true,
    description: 'Let visits and adjustments take stock below zero (先用后补) instead of failing.',
  })
  allowNegativeStock?: boolean;
}
