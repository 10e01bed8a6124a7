import { ArrayMaxSize, IsEmail, Length, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { GraphQLLocalDate } from 'graphql-scalars';
import {
  CustomerOrderField,
  CustomerSource,
  CustomerStatus,
  Gender,
  PressurePreference,
  SortDirection,
} from '../enums.type';

@InputType({ description: 'Preferences; omitted lists become empty.' })
export class CustomerPreferencesInput {
  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(20)
  @MaxLength(50, { each: true })
  serviceTypes?: string[];

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(20)
  @MaxLength(50, { each: true })
  productBrands?: string[];

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(20)
  @MaxLength(50, { each: true })
  scents?: string[];

  @Field({ nullable: true })
  noScent?: boolean;

  @Field(() => PressurePreference, { nullable: true })
  pressure?: PressurePreference;

  @Field({ nullable: true })
  @MaxLength(100)
  music?: string;

  @Field({ nullable: true })
  @MaxLength(100)
  lighting?: string;

  @Field({ nullable: true })
  @MaxLength(50)
  roomTemperature?: string;

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(20)
  @MaxLength(50, { each: true })
  dietaryRestrictions?: string[];

  @Field({ nullable: true })
  @MaxLength(500)
  other?: string;
}

@InputType()
export class ImportantDateInput {
  @Field({ description: 'BIRTHDAY, ANNIVERSARY or a free word.' })
  @Length(1, 30)
  kind!: string;

  @Field()
  @Length(1, 50)
  label!: string;

  @Field(() => GraphQLLocalDate)
  date!: string;
}

/** Fields shared by create and update; on update, an omitted field is left unchanged, null clears it. */
@InputType('CustomerFieldsBase')
abstract class CustomerFields {
  @Field(() => Gender, { nullable: true })
  gender?: Gender | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Not in the future.' })
  birthday?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Chinese mobile (13800138000, +86 138 0013 8000) or any E.164 number.',
  })
  @MaxLength(30)
  phone?: string | null;

  @Field(() => String, { nullable: true })
  @IsEmail({}, { message: 'email must be an email address like name@example.com' })
  @MaxLength(254)
  email?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(300)
  address?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(100)
  occupation?: string | null;

  @Field(() => CustomerSource, { nullable: true })
  source?: CustomerSource | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  sourceNote?: string | null;

  @Field(() => ID, { nullable: true, description: 'The customer who referred this one (推荐人).' })
  referrerId?: string | null;

  @Field(() => ID, { nullable: true })
  homeStoreId?: string | null;

  @Field(() => [ImportantDateInput], { nullable: true })
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  importantDates?: ImportantDateInput[];

  @Field(() => CustomerPreferencesInput, { nullable: true })
  @ValidateNested()
  preferences?: CustomerPreferencesInput;

  @Field(() => String, { nullable: true })
  @MaxLength(2000)
  notes?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(500)
  photoUrl?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(100)
  externalId?: string | null;
}

@InputType()
export class CreateCustomerInput extends CustomerFields {
  @Field({ description: '姓名, 1–50 characters.' })
  @Length(1, 50)
  name!: string;
}

@InputType()
export class UpdateCustomerInput extends CustomerFields {
  @Field({ nullable: true })
  @Length(1, 50)
  name?: string;

  @Field(() => CustomerStatus, {
    nullable: true,
    description: 'Override the derived status; null returns to derived.',
  })
  statusOverride?: CustomerStatus | null;
}

@InputType({ description: 'Server-side filter of the customer list.' })
export class CustomerFilter {
  @Field({
    nullable: true,
    description:
      'Name, pinyin (zhangsan), pinyin initials (zs), phone, last four phone digits (尾号) or customer code.',
  })
  @MaxLength(50)
  search?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Exact identifier of the customer in an integrated system (POS).',
  })
  @MaxLength(100)
  externalId?: string;

  @Field(() => [CustomerStatus], { nullable: true })
  status?: CustomerStatus[];

  @Field(() => [ID], { nullable: true, description: 'Customers having all of these tags.' })
  @ArrayMaxSize(20)
  tagIds?: string[];

  @Field(() => ID, { nullable: true })
  assignedConsultantId?: string;

  @Field(() => ID, { nullable: true })
  assignedTherapistId?: string;

  @Field({ nullable: true, description: 'Include archived customers (default false).' })
  includeArchived?: boolean;

  @Field({ nullable: true, description: 'Only archived customers.' })
  archivedOnly?: boolean;
}

registerEnumType(CustomerOrderField, { name: 'CustomerOrderField', description: 'NAME sorts by pinyin.' });

registerEnumType(SortDirection, { name: 'SortDirection' });

@InputType()
export class CustomerOrder {
  @Field(() => CustomerOrderField)
  field!: CustomerOrderField;

  @Field(() => SortDirection)
  direction!: SortDirection;
}
