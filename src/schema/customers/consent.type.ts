import { Field, Int, ObjectType } from 'type-graphql';
import { ContactChannel } from '../enums.type';

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
