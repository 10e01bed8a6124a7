import { Max, Min } from 'class-validator';
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
