import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
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

@ObjectType({ description: '生活习惯: sleep, diet, exercise, smoking, drinking.' })
export class Lifestyle {
  @Field(() => Float, { nullable: true })
  sleepHours?: number;

  @Field(() => Level, { nullable: true })
  sleepQuality?: Level;

  @Field({ nullable: true })
  diet?: string;

  @Field(() => Frequency, { nullable: true })
  exercise?: Frequency;

  @Field(() => Frequency, { nullable: true })
  smoking?: Frequency;

  @Field(() => Frequency, { nullable: true })
  drinking?: Frequency;

  @Field({ nullable: true })
  note?: string;
}

@ObjectType({ description: '皮肤档案: skin type, oiliness, sensitivity and concerns.' })
export class SkinProfile {
  @Field(() => SkinType, { nullable: true })
  type?: SkinType;

  @Field(() => Level, { nullable: true })
  oiliness?: Level;

  @Field(() => Level, { nullable: true })
  sensitivity?: Level;

  @Field(() => [String])
  concerns!: string[];
}

@ObjectType('Allergy', {
  description: '过敏史: one allergy or intolerance, modelled on FHIR AllergyIntolerance.',
})
export class AllergyType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The substance, e.g. 薰衣草精油, 青霉素, 芒果.' })
  substance!: string;

  @Field(() => AllergyCategory)
  category!: AllergyCategory;

  @Field(() => AllergyCriticality, { nullable: true })
  criticality?: AllergyCriticality;

  @Field(() => ClinicalStatus)
  clinicalStatus!: ClinicalStatus;

  @Field(() => VerificationStatus)
  verificationStatus!: VerificationStatus;

  @Field({ nullable: true, description: 'Manifestation, e.g. 皮疹.' })
  reaction?: string;

  @Field(() => ReactionSeverity, { nullable: true })
  severity?: ReactionSeverity;

  @Field(() => GraphQLLocalDate, { nullable: true })
  onsetDate?: string;

  @Field({ nullable: true })
  note?: string;

  @Field()
  recordedAt!: Date;
}

@ObjectType('MedicalCondition', { description: '既往病史: a condition of the medical history.' })
export class MedicalConditionType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'e.g. 高血压, 腰椎间盘突出.' })
  condition!: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  since?: string;

  @Field(() => ClinicalStatus)
  status!: ClinicalStatus;

  @Field({ nullable: true })
  note?: string;

  @Field()
  recordedAt!: Date;
}

@ObjectType('SpecialCondition', { description: '特殊健康状况 with a date range, e.g. 孕期 or 术后恢复.' })
export class SpecialConditionType {
  @Field(() => ID)
  id!: string;

  @Field(() => SpecialConditionKind)
  kind!: SpecialConditionKind;

  @Field({ nullable: true })
  description?: string;

  @Field(() => GraphQLLocalDate)
  startsOn!: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Open-ended while null.' })
  endsOn?: string;

  @Field({ nullable: true })
  note?: string;

  @Field()
  recordedAt!: Date;
}

@ObjectType('HealthProfile', {
  description: '健康档案: sensitive personal information (PIPL art. 28). Every read is audited.',
})
export class HealthProfileType {
  @Field(() => ID)
  id!: string;

  @Field(() => TcmConstitution, { nullable: true, description: '体质辨识: primary constitution.' })
  constitution?: TcmConstitution;

  @Field(() => [TcmConstitution], { nullable: true, description: 'Secondary constitutions (兼夹体质).' })
  secondaryConstitutions?: TcmConstitution[];

  @Field(() => Lifestyle, { nullable: true })
  lifestyle?: Lifestyle;

  @Field(() => SkinProfile, { nullable: true })
  skinProfile?: SkinProfile;

  @Field(() => [String], { nullable: true, description: '当前主诉, e.g. 肩颈酸痛, 失眠.' })
  currentComplaints?: string[];

  @Field(() => [String], { nullable: true, description: '养生目标' })
  wellnessGoals?: string[];

  @Field({ nullable: true, description: 'Free-text health notes.' })
  notes?: string;

  @Field(() => [AllergyType], { nullable: true, description: '过敏史' })
  allergies?: AllergyType[];

  @Field(() => [MedicalConditionType], { nullable: true, description: '既往病史' })
  medicalHistory?: MedicalConditionType[];

  @Field(() => [SpecialConditionType], { nullable: true, description: '特殊健康状况' })
  specialConditions?: SpecialConditionType[];

  @Field(() => Int, {
    nullable: true,
    description: 'Optimistic-lock version of the profile; pass it as expectedVersion.',
  })
  version?: number;

  @Field({ nullable: true })
  updatedAt?: Date;
}
