import { ArrayMaxSize, Length, Max, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ContactChannel, Gender, RfmSegment, TcmConstitution } from '../enums.type';

@InputType({ description: 'Segment filters; every filter given must hold. Money in 分.' })
export class SegmentRuleInput {
  @Field(() => [ID], { nullable: true, description: '会员等级 (any of).' })
  @ArrayMaxSize(50)
  tierIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Has any of these tags.' })
  @ArrayMaxSize(50)
  tagIdsAny?: string[];

  @Field({ nullable: true })
  lastVisitBefore?: Date;

  @Field({ nullable: true })
  lastVisitAfter?: Date;

  @Field(() => Int, { nullable: true, description: 'Visited within the last N days.' })
  @Min(1)
  @Max(3650)
  lastVisitWithinDays?: number;

  @Field(() => Int, { nullable: true, description: 'No visit (or, never visited, no sign-up) for N days.' })
  @Min(1)
  @Max(3650)
  noVisitForDays?: number;

  @Field(() => Int, { nullable: true, description: 'Became a customer within the last N days.' })
  @Min(1)
  @Max(3650)
  createdWithinDays?: number;

  @Field(() => Int, { nullable: true })
  @Min(0)
  minVisits?: number;

  @Field(() => Int, { nullable: true })
  @Min(0)
  maxVisits?: number;

  @Field(() => Int, { nullable: true, description: 'Lifetime spend ≥ this many 分.' })
  @Min(0)
  minLifetimeSpend?: number;

  @Field(() => Int, { nullable: true })
  @Min(0)
  maxLifetimeSpend?: number;

  @Field(() => Int, { nullable: true })
  @Min(0)
  @Max(120)
  minAge?: number;

  @Field(() => Int, { nullable: true })
  @Min(0)
  @Max(120)
  maxAge?: number;

  @Field(() => [Gender], { nullable: true })
  genders?: Gender[];

  @Field(() => [ID], { nullable: true, description: 'Home store (any of).' })
  @ArrayMaxSize(50)
  storeIds?: string[];

  @Field(() => [ContactChannel], { nullable: true, description: 'Granted marketing consent on any of.' })
  consentChannelsAny?: ContactChannel[];

  @Field(() => [String], { nullable: true, description: '养生目标 (any of), e.g. 减压, 改善睡眠.' })
  @ArrayMaxSize(20)
  wellnessGoalsAny?: string[];

  @Field(() => [TcmConstitution], {
    nullable: true,
    description: 'Health: 体质. Only for roles that read every customer’s clinical data.',
  })
  constitutions?: TcmConstitution[];

  @Field(() => [String], {
    nullable: true,
    description: 'Health: current complaints (any of), e.g. 失眠. Same restriction.',
  })
  @ArrayMaxSize(20)
  currentComplaintsAny?: string[];

  @Field(() => [RfmSegment], {
    nullable: true,
    description:
      'RFM segment (any of), as of the organization’s nightly RFM snapshot (rfmReport.computedAt): 重要价值客户 ….',
  })
  @ArrayMaxSize(8)
  rfmSegments?: RfmSegment[];
}

@InputType()
export class SegmentInput {
  @Field({ description: '1–50 characters, unique.' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Length(0, 500)
  description?: string;

  @Field(() => SegmentRuleInput)
  @ValidateNested()
  rule!: SegmentRuleInput;
}

@InputType({ description: 'Omitted fields stay; a rule given replaces the whole rule.' })
export class UpdateSegmentInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  @Length(0, 500)
  description?: string | null;

  @Field(() => SegmentRuleInput, { nullable: true })
  @ValidateNested()
  rule?: SegmentRuleInput;
}

@InputType({ description: 'A rule-based tag (e.g. 高端客户 = lifetime spend ≥ ¥20000), recomputed hourly.' })
export class RuleTagInput {
  @Field({ description: '1–30 characters.' })
  @Length(1, 30)
  name!: string;

  @Field(() => String, { nullable: true, description: '#RRGGBB' })
  color?: string;

  @Field(() => SegmentRuleInput, { description: 'Health filters are not allowed in tag rules.' })
  @ValidateNested()
  rule!: SegmentRuleInput;
}
