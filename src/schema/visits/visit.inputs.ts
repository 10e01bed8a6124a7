import { ArrayMaxSize, ArrayMinSize, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, ID, InputType, Int } from 'type-graphql';
import { VisitEffect } from '../enums.type';

@InputType({ description: 'A product used in a service line; stock of the store decreases by quantity.' })
export class ProductUseInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int)
  @Min(1)
  @Max(10_000)
  quantity!: number;
}

@InputType({ description: 'One service given.' })
export class VisitLineInput {
  @Field(() => ID)
  serviceId!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Default: the caller (a therapist recording their own work).',
  })
  therapistId?: string;

  @Field(() => Int, { nullable: true, description: "Default: the service's duration." })
  @Min(1)
  @Max(600)
  durationMinutes?: number;

  @Field({ nullable: true, description: '护理部位, e.g. 肩颈.' })
  @MaxLength(50)
  bodyArea?: string;

  @Field(() => [ProductUseInput], { nullable: true })
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  products?: ProductUseInput[];
}

@InputType({
  description:
    'Record a visit, from a checked-in (ARRIVED) appointment or as a walk-in 散客. From an appointment, ' +
    'lines default to its services and therapists, and the appointment becomes COMPLETED.',
})
export class RecordVisitInput {
  @Field(() => ID, { nullable: true, description: 'The checked-in appointment; omit for a walk-in.' })
  appointmentId?: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Required for a walk-in; must match the appointment otherwise.',
  })
  customerId?: string;

  @Field(() => ID, {
    nullable: true,
    description: "Required for a walk-in; default: the appointment's store.",
  })
  storeId?: string;

  @Field({ nullable: true, description: 'Default: now.' })
  visitedAt?: Date;

  @Field(() => [VisitLineInput], { nullable: true, description: 'Default (appointment only): its services.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  lines?: VisitLineInput[];

  @Field(() => VisitEffect, { nullable: true })
  effect?: VisitEffect;

  @Field(() => Int, { nullable: true, description: '满意度 1–5.' })
  @Min(1)
  @Max(5)
  satisfaction?: number;

  @Field({ nullable: true })
  @MaxLength(1000)
  feedback?: string;

  @Field({ nullable: true })
  @MaxLength(1000)
  suggestions?: string;

  @Field({ nullable: true })
  @MaxLength(200)
  nextVisitIntent?: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  nextVisitOn?: string;

  @Field({
    nullable: true,
    description: "Health-sensitive: only roles that may access the customer's health data may write it.",
  })
  @MaxLength(4000)
  conditionNotes?: string;

  @Field({ nullable: true, description: 'A retry with the same key returns the first visit (POS retries).' })
  @Length(8, 100)
  idempotencyKey?: string;
}

@InputType()
export class VisitFilter {
  @Field(() => ID, { nullable: true })
  storeId?: string;

  @Field(() => ID, { nullable: true, description: 'Visits with a line given by this therapist.' })
  therapistId?: string;

  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field({ nullable: true, description: 'Visited at or after.' })
  from?: Date;

  @Field({ nullable: true, description: 'Visited before.' })
  to?: Date;
}
