import { GraphQLLocalDate } from 'graphql-scalars';
import { ArrayMaxSize, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ScheduleExceptionKind } from '../enums.type';

@InputType({ description: "A staff member's profile in a store; created on first use, updated after." })
export class StaffProfileInput {
  @Field(() => ID)
  @IsUUID()
  storeId!: string;

  @Field(() => ID, { description: 'The staff member (user) of the organization.' })
  @IsUUID()
  staffMemberId!: string;

  @Field(() => String, { nullable: true, description: 'e.g. 高级技师; null clears it.' })
  @Length(1, 50)
  title?: string | null;

  @Field({ nullable: true, description: 'Default true on create.' })
  bookable?: boolean;

  @Field({ nullable: true, description: 'Default true on create.' })
  active?: boolean;

  @Field(() => [ID], {
    nullable: true,
    description: 'Services they may perform (empty: all); replaces the list.',
  })
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  serviceIds?: string[];
}

@InputType({
  description: "One weekly period: weekday 1–7 (Monday = 1), 'HH:MM' to 'HH:MM' (end may be '24:00').",
})
export class WorkingHoursInput {
  @Field(() => Int)
  @Min(1)
  @Max(7)
  weekday!: number;

  @Field()
  startsAt!: string;

  @Field()
  endsAt!: string;
}

@InputType({
  description: '请假 (LEAVE) or 加班 (EXTRA_SHIFT) on one date; a LEAVE without hours is the whole day.',
})
export class ScheduleExceptionInput {
  @Field(() => ID)
  @IsUUID()
  staffProfileId!: string;

  @Field(() => GraphQLLocalDate)
  date!: string;

  @Field(() => ScheduleExceptionKind)
  kind!: ScheduleExceptionKind;

  @Field({ nullable: true, description: "'HH:MM'; give both or neither." })
  startsAt?: string;

  @Field({ nullable: true })
  endsAt?: string;

  @Field({ nullable: true })
  @MaxLength(200)
  note?: string;
}
