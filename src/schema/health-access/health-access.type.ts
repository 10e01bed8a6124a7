import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { HealthAccessSection } from '../../core/health-access';
import { HealthAccessKind, HealthAccessStatus } from '../../entities/health-access/health-access.enums';

registerEnumType(HealthAccessSection, {
  name: 'HealthAccessSection',
  description:
    'A part of a health record an access approval names: SAFETY (allergies, special conditions), HISTORY (既往病史), ASSESSMENT (体质, lifestyle, skin, complaints, goals), NOTES (free-text health notes, a visit’s 身体状况备注).',
});
registerEnumType(HealthAccessKind, {
  name: 'HealthAccessKind',
  description: 'APPROVAL (档案查阅审批) or BREAK_GLASS (紧急查阅: SAFETY at once, reviewed afterwards).',
});
registerEnumType(HealthAccessStatus, {
  name: 'HealthAccessStatus',
  description:
    'PENDING, APPROVED (a grant while now < expiresAt; it ends by itself), REFUSED, WITHDRAWN (by the requester), REVOKED (ended early).',
});

@ObjectType('HealthAccessRequest', {
  description:
    '档案查阅审批: a request to read parts of one customer’s health record beyond one’s role, and once approved the grant.',
})
export class HealthAccessRequestType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  customerId!: string;

  @Field(() => ID)
  requesterId!: string;

  @Field(() => ID, { nullable: true, description: 'The customer’s store: whose manager decides.' })
  storeId?: string;

  @Field(() => HealthAccessKind)
  kind!: HealthAccessKind;

  @Field(() => HealthAccessStatus)
  status!: HealthAccessStatus;

  @Field(() => [HealthAccessSection])
  requestedSections!: HealthAccessSection[];

  @Field({ description: 'Why the requester needs it (break-glass: the emergency).' })
  reason!: string;

  @Field(() => [HealthAccessSection], { nullable: true, description: 'What the approver granted.' })
  grantedSections?: HealthAccessSection[];

  @Field(() => ID, { nullable: true })
  decidedById?: string;

  @Field(() => Date, { nullable: true })
  decidedAt?: Date;

  @Field(() => String, { nullable: true, description: 'Why it was refused or revoked.' })
  decisionNote?: string;

  @Field(() => Date, { nullable: true })
  approvedAt?: Date;

  @Field(() => Date, { nullable: true })
  expiresAt?: Date;

  @Field(() => Date, { nullable: true })
  revokedAt?: Date;

  @Field({ description: 'A grant in force now: approved, not revoked, not expired.' })
  active!: boolean;

  @Field()
  createdAt!: Date;

  @Field(() => Int)
  version!: number;
}

@ObjectType('HealthAccessGrant', {
  description: 'A grant the viewer holds now: which parts of which customer’s health record, until when.',
})
export class HealthAccessGrantType {
  @Field(() => ID, { description: 'The HealthAccessRequest id; audit rows of reads under it carry it.' })
  id!: string;

  @Field(() => ID)
  customerId!: string;

  @Field(() => HealthAccessKind)
  kind!: HealthAccessKind;

  @Field(() => [HealthAccessSection])
  sections!: HealthAccessSection[];

  @Field()
  expiresAt!: Date;
}
