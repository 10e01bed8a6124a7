import { Length, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ContactChannel } from '../enums.type';

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
