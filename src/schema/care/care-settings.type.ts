import { Field, Int, ObjectType } from 'type-graphql';
import { MarketingCapType } from '../customers/consent.type';

@ObjectType('CareHoliday', { description: 'A holiday greeted (节日问候); explicit dates, since 春节 moves.' })
export class CareHolidayType {
  @Field({ description: 'YYYY-MM-DD' })
  date!: string;

  @Field()
  name!: string;
}

@ObjectType('CareSettings', { description: 'How the care schedule creates tasks for this organization.' })
export class CareSettingsType {
  @Field(() => Int, { description: '回访 appears this many hours after a visit …' })
  visitFollowUpAfterHours!: number;

  @Field(() => Int, { description: '… and is due this many hours after it.' })
  visitFollowUpWithinHours!: number;

  @Field(() => Int, { description: 'Birthday and holiday tasks appear this many days ahead.' })
  greetingLeadDays!: number;

  @Field(() => Int, { description: '沉睡唤醒 after this many days without a visit.' })
  wakeUpAfterDays!: number;

  @Field(() => Int, { description: 'Remind this many days before a punch card expires.' })
  cardExpiryReminderDays!: number;

  @Field(() => Int, { description: 'Low stored-value reminder below this many 分; 0: never.' })
  lowBalanceThresholdMinorUnits!: number;

  @Field(() => MarketingCapType, { description: 'Default frequency cap of marketing tasks per customer.' })
  marketingCap!: MarketingCapType;

  @Field(() => [CareHolidayType])
  holidays!: CareHolidayType[];
}
