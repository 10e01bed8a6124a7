import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AllergyCategory, ContraindicationSeverity, SpecialConditionKind } from '../enums.type';
import { Money } from '../money.type';

@ObjectType('ContraindicationTag', {
  description: '禁忌标签 such as 孕期禁用 or 高血压慎用, attached to services.',
})
export class ContraindicationTagType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => ContraindicationSeverity)
  severity!: ContraindicationSeverity;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => [SpecialConditionKind], {
    nullable: true,
    description: 'Current special conditions that trigger it, e.g. PREGNANCY. Staff who book or serve only.',
  })
  specialConditionKinds?: SpecialConditionKind[];

  @Field(() => [AllergyCategory], { nullable: true, description: 'Allergy categories that trigger it.' })
  allergyCategories?: AllergyCategory[];

  @Field(() => [String], {
    nullable: true,
    description: 'Words matched in allergy substances and medical conditions, e.g. 高血压.',
  })
  keywords?: string[];
}

@ObjectType('ServiceItem', { description: '服务项目: a service on the menu.' })
export class ServiceItemType {
  @Field(() => ID)
  id!: string;

  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field({ description: '项目类别, e.g. 推拿按摩类.' })
  category!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => Int)
  durationMinutes!: number;

  @Field(() => Int, { nullable: true, description: 'Pass it as expectedVersion to updateService.' })
  version?: number;

  @Field(() => Int, { description: 'Time after the service before therapist and room are free again.' })
  bufferMinutes!: number;

  @Field(() => Money, { nullable: true, description: 'List price.' })
  price?: Money;

  @Field(() => String, { nullable: true, description: 'Kind of room it needs; null when none.' })
  roomKind?: string;

  @Field()
  active!: boolean;

  @Field(() => [ContraindicationTagType], { nullable: true })
  contraindications?: ContraindicationTagType[];
}

@ObjectType('Room', { description: '房间 / 床位: where a service happens; one booking at a time.' })
export class RoomType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'Matches ServiceItem.roomKind, e.g. 理疗房.' })
  kind!: string;

  @Field()
  active!: boolean;
}
