import { Field, ObjectType, registerEnumType } from 'type-graphql';

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
