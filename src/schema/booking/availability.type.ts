import { GraphQLLocalDate } from 'graphql-scalars';
import { Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { StaffMemberType } from '../staff/staff.type';

@ObjectType('AvailableSlot', { description: '可预约时段: a start time at which the service can be booked.' })
export class AvailableSlotType {
  @Field()
  startsAt!: Date;

  @Field({ description: 'End of the service (the buffer after it is held too).' })
  endsAt!: Date;

  @Field(() => [StaffMemberType], { description: 'Therapists free for the whole service, by name.' })
  therapists!: StaffMemberType[];

  @Field(() => Int, { description: 'Free rooms of the kind the service needs; 0 when it needs none.' })
  freeRooms!: number;
}

@ArgsType()
export class AvailabilityArgs {
  @Field(() => ID)
  storeId!: string;

  @Field(() => ID)
  serviceId!: string;

  @Field(() => GraphQLLocalDate, { description: "A date of the store's time zone." })
  date!: string;

  @Field(() => ID, { nullable: true, description: 'Only slots of this therapist.' })
  therapistId?: string;

  @Field(() => Int, { nullable: true, description: 'Minutes between candidate starts, 5–120 (default 15).' })
  @Min(5)
  @Max(120)
  stepMinutes?: number;
}
