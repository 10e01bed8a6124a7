import { ArrayMaxSize, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';

@InputType()
export class CareHolidayInput {
  @Field({ description: 'YYYY-MM-DD' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  date!: string;

  @Field()
  @Length(1, 30)
  name!: string;
}

@InputType({ description: 'Care schedule settings; omitted fields stay.' })
export class CareSettingsInput {
  @Field(() => Int, { nullable: true })
  @Min(0)
  @Max(168)
  visitFollowUpAfterHours?: number;

  @Field(() => Int, { nullable: true, description: 'More than visitFollowUpAfterHours.' })
  @Min(1)
  @Max(336)
  visitFollowUpWithinHours?: number;

  @Field(() => Int, { nullable: true })
  @Min(0)
  @Max(60)
  greetingLeadDays?: number;

  @Field(() => Int, { nullable: true })
  @Min(1)
  @Max(3650)
  wakeUpAfterDays?: number;

  @Field(() => Int, { nullable: true })
  @Min(0)
  @Max(365)
  cardExpiryReminderDays?: number;

  @Field(() => Int, { nullable: true })
  @Min(0)
  lowBalanceThresholdMinorUnits?: number;

  @Field(() => Int, { nullable: true })
  @Min(0)
  @Max(100)
  marketingCapCount?: number;

  @Field(() => Int, { nullable: true })
  @Min(1)
  @Max(365)
  marketingCapDays?: number;

  @Field(() => [CareHolidayInput], { nullable: true, description: 'Replaces the list.' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  holidays?: CareHolidayInput[];
}
