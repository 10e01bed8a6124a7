import { ArrayMaxSize, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ContactChannel } from './enums.type';

@InputType({ description: 'Give or withdraw marketing consent on one channel.' })
export class SetContactConsentInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ContactChannel, { description: 'WECHAT, SMS, PHONE or EMAIL.' })
  channel!: ContactChannel;

  @Field()
  granted!: boolean;

  @Field({ description: 'Where, e.g. 到店签字, 小程序勾选, 电话口头同意; 1–100 characters.' })
  @Length(1, 100)
  source!: string;
}

@InputType({ description: 'Contact preferences; omitted fields stay.' })
export class UpdateContactPreferencesInput {
  @Field(() => ID)
  customerId!: string;

  @Field({ nullable: true, description: '勿扰: no marketing at all. Service contacts (回访) still happen.' })
  doNotContact?: boolean;

  @Field(() => ContactChannel, { nullable: true })
  preferredChannel?: ContactChannel;

  @Field(() => Int, { nullable: true, description: 'Own frequency cap: at most this many marketing tasks …' })
  @Min(0)
  @Max(100)
  marketingCapCount?: number;

  @Field(() => Int, { nullable: true, description: '… within this many days (give both).' })
  @Min(1)
  @Max(365)
  marketingCapDays?: number;
}

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

@InputType({
  description: 'Consent to process health data (PIPL art. 29), signed by the customer or guardian.',
})
export class GiveHealthConsentInput {
  @Field(() => ID)
  customerId!: string;

  @Field({ description: 'How it was given, e.g. 健康档案知情同意书 (纸质签字); 1–100 characters.' })
  @Length(1, 100)
  source!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Required under 14 (PIPL art. 31): the guardian who consents, e.g. 母亲 王丽.',
  })
  @Length(1, 100)
  guardian?: string;
}

@InputType()
export class WithdrawHealthConsentInput {
  @Field(() => ID)
  customerId!: string;

  @Field({ description: 'How it was withdrawn, e.g. 客户电话要求; 1–100 characters.' })
  @Length(1, 100)
  source!: string;
}
