import { ArrayMaxSize, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, Float, InputType } from 'type-graphql';
import { GraphQLLocalDate } from 'graphql-scalars';
import {
  AllergyCategory,
  AllergyCriticality,
  ClinicalStatus,
  Frequency,
  Level,
  ReactionSeverity,
  SkinType,
  SpecialConditionKind,
  TcmConstitution,
  VerificationStatus,
} from '../enums.type';

@InputType()
export class LifestyleInput {
  @Field(() => Float, { nullable: true })
  @Min(0)
  @Max(24)
  sleepHours?: number;

  @Field(() => Level, { nullable: true })
  sleepQuality?: Level;

  @Field({ nullable: true })
  @MaxLength(200)
  diet?: string;

  @Field(() => Frequency, { nullable: true })
  exercise?: Frequency;

  @Field(() => Frequency, { nullable: true })
  smoking?: Frequency;

  @Field(() => Frequency, { nullable: true })
  drinking?: Frequency;

  @Field({ nullable: true })
  @MaxLength(500)
  note?: string;
}

@InputType()
export class SkinProfileInput {
  @Field(() => SkinType, { nullable: true })
  type?: SkinType;

  @Field(() => Level, { nullable: true })
  oiliness?: Level;

  @Field(() => Level, { nullable: true })
  sensitivity?: Level;

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(20)
  @MaxLength(50, { each: true })
  concerns?: string[];
}

@InputType({ description: 'Omitted fields stay unchanged; null clears a field.' })
export class HealthProfileInput {
  @Field(() => TcmConstitution, { nullable: true })
  constitution?: TcmConstitution | null;

  @Field(() => [TcmConstitution], { nullable: true })
  @ArrayMaxSize(8)
  secondaryConstitutions?: TcmConstitution[];

  @Field(() => LifestyleInput, { nullable: true })
  @ValidateNested()
  lifestyle?: LifestyleInput;

  @Field(() => SkinProfileInput, { nullable: true })
  @ValidateNested()
  skinProfile?: SkinProfileInput;

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(20)
  @MaxLength(100, { each: true })
  currentComplaints?: string[];

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(20)
  @MaxLength(100, { each: true })
  wellnessGoals?: string[];

  @Field(() => String, { nullable: true })
  @MaxLength(4000)
  notes?: string | null;
}

@InputType()
export class AllergyInput {
  @Field({ nullable: true })
  @Length(1, 100)
  substance?: string;

  @Field(() => AllergyCategory, { nullable: true })
  category?: AllergyCategory;

  @Field(() => AllergyCriticality, { nullable: true })
  criticality?: AllergyCriticality | null;

  @Field(() => ClinicalStatus, { nullable: true })
  clinicalStatus?: ClinicalStatus;

  @Field(() => VerificationStatus, { nullable: true })
  verificationStatus?: VerificationStatus;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  reaction?: string | null;

  @Field(() => ReactionSeverity, { nullable: true })
  severity?: ReactionSeverity | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  onsetDate?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(1000)
  note?: string | null;
}

@InputType()
export class MedicalConditionInput {
  @Field({ nullable: true })
  @Length(1, 100)
  condition?: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  since?: string | null;

  @Field(() => ClinicalStatus, { nullable: true })
  status?: ClinicalStatus;

  @Field(() => String, { nullable: true })
  @MaxLength(1000)
  note?: string | null;
}

@InputType()
export class SpecialConditionInput {
  @Field(() => SpecialConditionKind, { nullable: true })
  kind?: SpecialConditionKind;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  description?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  startsOn?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Null: open-ended.' })
  endsOn?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(1000)
  note?: string | null;
}
