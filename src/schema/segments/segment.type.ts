import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ContactChannel, Gender, RfmSegment, TcmConstitution } from '../enums.type';

@ObjectType('SegmentRule', { description: 'The filters of a segment or rule-based tag, as saved.' })
export class SegmentRuleType {
  @Field(() => [ID], { nullable: true })
  tierIds?: string[];

  @Field(() => [ID], { nullable: true })
  tagIdsAny?: string[];

  @Field(() => String, { nullable: true })
  lastVisitBefore?: string;

  @Field(() => String, { nullable: true })
  lastVisitAfter?: string;

  @Field(() => Int, { nullable: true })
  lastVisitWithinDays?: number;

  @Field(() => Int, { nullable: true })
  noVisitForDays?: number;

  @Field(() => Int, { nullable: true })
  createdWithinDays?: number;

  @Field(() => Int, { nullable: true })
  minVisits?: number;

  @Field(() => Int, { nullable: true })
  maxVisits?: number;

  @Field(() => Int, { nullable: true })
  minLifetimeSpend?: number;

  @Field(() => Int, { nullable: true })
  maxLifetimeSpend?: number;

  @Field(() => Int, { nullable: true })
  minAge?: number;

  @Field(() => Int, { nullable: true })
  maxAge?: number;

  @Field(() => [Gender], { nullable: true })
  genders?: Gender[];

  @Field(() => [ID], { nullable: true })
  storeIds?: string[];

  @Field(() => [ContactChannel], { nullable: true })
  consentChannelsAny?: ContactChannel[];

  @Field(() => [String], { nullable: true })
  wellnessGoalsAny?: string[];

  @Field(() => [TcmConstitution], { nullable: true })
  constitutions?: TcmConstitution[];

  @Field(() => [String], { nullable: true })
  currentComplaintsAny?: string[];

  @Field(() => [RfmSegment], { nullable: true })
  rfmSegments?: RfmSegment[];
}

@ObjectType('Segment', {
  description:
    '客户分群: saved filters. Members are computed on read; MARKETING never sees customers who opted out.',
})
export class SegmentType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => SegmentRuleType)
  rule!: SegmentRuleType;

  @Field(() => Int)
  version!: number;
}
