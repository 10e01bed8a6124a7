import { ArrayMaxSize, ArrayMinSize, Length, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { AppointmentStatus, BookingChannel } from '../enums.type';

@InputType({ description: 'A service to book; therapist and room are picked when omitted.' })
export class AppointmentItemInput {
  @Field(() => ID)
  serviceId!: string;

  @Field(() => ID, { nullable: true })
  therapistId?: string;

  @Field(() => ID, { nullable: true })
  roomId?: string;
}

@InputType()
export class BookAppointmentInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ID)
  storeId!: string;

  @Field({ description: 'Start of the first service; the others follow in order.' })
  startsAt!: Date;

  @Field(() => BookingChannel)
  channel!: BookingChannel;

  @Field(() => [AppointmentItemInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  items!: AppointmentItemInput[];

  @Field({ nullable: true })
  @MaxLength(500)
  notes?: string;

  @Field({ nullable: true, description: 'Refuse the booking (CONFLICT) when a contraindication matches.' })
  strict?: boolean;

  @Field({
    nullable: true,
    description: 'A retry with the same key returns the first booking instead of booking twice.',
  })
  @Length(8, 100)
  idempotencyKey?: string;
}

@InputType()
export class RescheduleAppointmentInput {
  @Field()
  startsAt!: Date;

  @Field(() => [AppointmentItemInput], { nullable: true, description: 'Default: the same services.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  items?: AppointmentItemInput[];

  @Field({ nullable: true })
  strict?: boolean;
}

@InputType()
export class AppointmentFilter {
  @Field(() => ID, { nullable: true })
  storeId?: string;

  @Field(() => ID, { nullable: true })
  therapistId?: string;

  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field({ nullable: true, description: 'Appointments starting at or after.' })
  from?: Date;

  @Field({ nullable: true, description: 'Appointments starting before.' })
  to?: Date;

  @Field(() => [AppointmentStatus], { nullable: true })
  status?: AppointmentStatus[];
}
