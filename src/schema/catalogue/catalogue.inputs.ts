import { ArrayMaxSize, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { AllergyCategory, ContraindicationSeverity, SpecialConditionKind } from '../enums.type';

/** Largest amount a price may have: ¥10,000,000.00 in 分 (the column is a 32-bit integer). */
export const MAX_MINOR_UNITS = 1_000_000_000;

@InputType({ description: 'A 禁忌标签; on update, omitted fields stay as they are.' })
export class ContraindicationTagInput {
  @Field({ nullable: true, description: '1–50 characters, unique in the organization. Required to create.' })
  @Length(1, 50)
  name?: string;

  @Field(() => ContraindicationSeverity, { nullable: true, description: 'Required to create.' })
  severity?: ContraindicationSeverity;

  @Field(() => String, { nullable: true, description: 'Up to 500 characters; null clears it.' })
  @MaxLength(500)
  description?: string | null;

  @Field(() => [SpecialConditionKind], { nullable: true, description: 'Current conditions that trigger it.' })
  @ArrayMaxSize(20)
  specialConditionKinds?: SpecialConditionKind[];

  @Field(() => [AllergyCategory], { nullable: true, description: 'Allergy categories that trigger it.' })
  @ArrayMaxSize(20)
  allergyCategories?: AllergyCategory[];

  @Field(() => [String], {
    nullable: true,
    description: 'Words matched in allergy substances and medical conditions (up to 20, 1–50 characters).',
  })
  @ArrayMaxSize(20)
  @Length(1, 50, { each: true })
  keywords?: string[];
}

@InputType({ description: 'A 服务项目; on update, omitted fields stay as they are.' })
export class ServiceItemInput {
  @Field({
    nullable: true,
    description: 'Menu code, unique in the organization (letters, digits, - _). Required to create.',
  })
  @Matches(/^[A-Za-z0-9_-]{1,20}$/, { message: 'code is 1–20 letters, digits, - or _' })
  code?: string;

  @Field({ nullable: true, description: 'Required to create.' })
  @Length(1, 100)
  name?: string;

  @Field({ nullable: true, description: '项目类别, e.g. 推拿按摩类. Required to create.' })
  @Length(1, 50)
  category?: string;

  @Field(() => String, { nullable: true, description: 'Null clears it.' })
  @MaxLength(2000)
  description?: string | null;

  @Field(() => Int, { nullable: true, description: '5–720 minutes. Required to create.' })
  @Min(5)
  @Max(720)
  durationMinutes?: number;

  @Field(() => Int, { nullable: true, description: '0–240 minutes of 整理 after the service; default 0.' })
  @Min(0)
  @Max(240)
  bufferMinutes?: number;

  @Field(() => Int, {
    nullable: true,
    description: 'List price in integer minor units (分): 19800 is ¥198.00. Required to create.',
  })
  @Min(0)
  @Max(MAX_MINOR_UNITS)
  priceMinorUnits?: number;

  @Field(() => String, { nullable: true, description: 'Kind of room it needs (e.g. 理疗房); null: none.' })
  @Length(1, 50)
  roomKind?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Its 禁忌标签; replaces the current ones.' })
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  contraindicationTagIds?: string[];
}

@InputType({ description: 'A room of a store.' })
export class CreateRoomInput {
  @Field(() => ID)
  @IsUUID()
  storeId!: string;

  @Field({ description: '1–50 characters, unique in the store, e.g. 3号理疗房.' })
  @Length(1, 50)
  name!: string;

  @Field({ description: 'Matches ServiceItem.roomKind, e.g. 理疗房.' })
  @Length(1, 50)
  kind!: string;
}

@InputType({ description: 'Changes to a room; omitted fields stay as they are.' })
export class UpdateRoomInput {
  @Field({ nullable: true })
  @Length(1, 50)
  name?: string;

  @Field({ nullable: true })
  @Length(1, 50)
  kind?: string;

  @Field({ nullable: true, description: 'An inactive room is never offered or booked.' })
  active?: boolean;
}
