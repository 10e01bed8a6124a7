import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ContactChannel } from './enums.type';

@ObjectType('ContactConsent', {
  description: 'Marketing consent on one channel, with when and where it was given or withdrawn.',
})
export class ContactConsentType {
  @Field(() => ContactChannel)
  channel!: ContactChannel;

  @Field()
  granted!: boolean;

  @Field({ description: 'e.g. 到店签字, 小程序勾选.' })
  source!: string;

  @Field()
  recordedAt!: Date;
}

@ObjectType('MarketingCap', { description: 'At most `count` marketing tasks within `days` days.' })
export class MarketingCapType {
  @Field(() => Int)
  count!: number;

  @Field(() => Int)
  days!: number;
}

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

export enum HealthConsentStatus {
  GIVEN = 'GIVEN',
  WITHDRAWN = 'WITHDRAWN',
  NONE = 'NONE',
}
registerEnumType(HealthConsentStatus, {
  name: 'HealthConsentStatus',
  description:
    'Consent to process health data: NONE (health fields cannot be written), GIVEN, WITHDRAWN (hidden from all but OWNER).',
});

@ObjectType('HealthConsent', {
  description: '健康信息处理单独同意 (PIPL art. 29; guardian under 14, art. 31).',
})
export class HealthConsentType {
  @Field(() => HealthConsentStatus)
  status!: HealthConsentStatus;

  @Field(() => Date, { nullable: true })
  givenAt?: Date;

  @Field(() => String, { nullable: true })
  source?: string;

  @Field(() => String, { nullable: true, description: 'The guardian who consented for a child under 14.' })
  guardian?: string;

  @Field(() => Date, { nullable: true })
  withdrawnAt?: Date;
}
