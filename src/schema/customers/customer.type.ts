import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLLocalDate } from 'graphql-scalars';
import { Connection } from '../connection.type';
import { CustomerSource, CustomerStatus, Gender, PressurePreference } from '../enums.type';

@ObjectType({ description: '偏好: service, product and environment preferences.' })
export class CustomerPreferences {
  @Field(() => [String], { description: 'Preferred service types, e.g. 中式推拿, 面部护理.' })
  serviceTypes!: string[];

  @Field(() => [String], { description: 'Preferred product brands.' })
  productBrands!: string[];

  @Field(() => [String], { description: 'Preferred essential oils / scents (精油/香味).' })
  scents!: string[];

  @Field({ description: 'True when the customer wants no essential oils or scents at all.' })
  noScent!: boolean;

  @Field(() => PressurePreference, { nullable: true, description: '按摩力度' })
  pressure?: PressurePreference;

  @Field({ nullable: true, description: 'Music preference (音乐).' })
  music?: string;

  @Field({ nullable: true, description: 'Lighting preference (灯光).' })
  lighting?: string;

  @Field({ nullable: true, description: 'Room temperature preference (室温).' })
  roomTemperature?: string;

  @Field(() => [String], { description: '忌口: dietary restrictions (for teas and snacks served).' })
  dietaryRestrictions!: string[];

  @Field({ nullable: true })
  other?: string;
}

@ObjectType({ description: '重要日期: birthday, anniversaries and other dates worth remembering.' })
export class ImportantDate {
  @Field({ description: 'BIRTHDAY, ANNIVERSARY, or a free word.' })
  kind!: string;

  @Field()
  label!: string;

  @Field(() => GraphQLLocalDate)
  date!: string;
}

@ObjectType('Customer', {
  description: '客户档案: a customer of the organization, shared by all its stores.',
})
export class CustomerType {
  @Field(() => ID)
  id!: string;

  @Field({ description: '客户编号, assigned automatically, e.g. C000123.' })
  code!: string;

  @Field({ description: '姓名' })
  name!: string;

  @Field({ description: 'Full pinyin of the name without tones (张三 → zhangsan).' })
  namePinyin!: string;

  @Field(() => Gender, { nullable: true })
  gender?: Gender;

  @Field(() => GraphQLLocalDate, { nullable: true, description: '生日' })
  birthday?: string;

  @Field(() => Int, { nullable: true, description: 'Age in whole years today (store time zone).' })
  age?: number;

  @Field({ nullable: true, description: 'Phone in E.164, e.g. +8613800138000.' })
  phone?: string;

  @Field({ nullable: true })
  email?: string;

  @Field({ nullable: true, description: '通讯地址' })
  address?: string;

  @Field({ nullable: true, description: '职业' })
  occupation?: string;

  @Field(() => CustomerSource, { nullable: true, description: '客户来源' })
  source?: CustomerSource;

  @Field({ nullable: true })
  sourceNote?: string;

  @Field(() => CustomerStatus, {
    description: 'Derived from the last visit and the thresholds of the organization, unless overridden.',
  })
  status!: CustomerStatus;

  @Field(() => CustomerStatus, {
    nullable: true,
    description: 'Status set by staff, overriding the derived one.',
  })
  statusOverride?: CustomerStatus;

  @Field(() => [ImportantDate], { nullable: true })
  importantDates?: ImportantDate[];

  @Field(() => CustomerPreferences, { nullable: true })
  preferences?: CustomerPreferences;

  @Field({ nullable: true, description: 'Free-text notes (备注); may hold sensitive remarks.' })
  notes?: string;

  @Field({ nullable: true, description: 'Reference (URL or storage key) of the customer photo.' })
  photoUrl?: string;

  @Field({ nullable: true, description: 'Identifier of this customer in an integrated system (POS).' })
  externalId?: string;

  @Field(() => Int, { description: '到店次数' })
  visitCount!: number;

  @Field({ nullable: true })
  lastVisitAt?: Date;

  @Field({ nullable: true, description: 'Set while the record is archived (hidden from lists by default).' })
  archivedAt?: Date;

  @Field(() => Int, { description: 'Optimistic-lock version; pass it as expectedVersion when updating.' })
  version!: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'True when the customer has an active allergy or a current special condition. Readable by every staff role that reads customers; reveals no detail.',
  })
  hasHealthAlerts?: boolean;
}

@ObjectType()
export class CustomerConnection extends Connection('Customer', CustomerType) {}
