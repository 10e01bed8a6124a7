import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AppointmentType } from '../booking/appointment.type';
import { ServiceItemType } from '../catalogue/catalogue.type';
import { ScheduleExceptionKind } from '../enums.type';
import { StoreType } from '../organization/organization.type';
import { StaffMemberType } from './staff.type';

@ObjectType('WorkingHours', {
  description: 'One weekly working period in store local time, e.g. 周一 10:00–14:00.',
})
export class WorkingHoursType {
  @Field(() => Int, { description: 'ISO weekday: 1 = Monday … 7 = Sunday.' })
  weekday!: number;

  @Field({ description: "'HH:MM'." })
  startsAt!: string;

  @Field({ description: "'HH:MM'; '24:00' is midnight at the end of the day." })
  endsAt!: string;
}

@ObjectType('ScheduleException', { description: '请假 or 加班 on one date, in store local time.' })
export class ScheduleExceptionType {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLLocalDate)
  date!: string;

  @Field(() => ScheduleExceptionKind)
  kind!: ScheduleExceptionKind;

  @Field(() => String, { nullable: true, description: "'HH:MM'; null with endsAt: the whole day (LEAVE)." })
  startsAt?: string;

  @Field(() => String, { nullable: true })
  endsAt?: string;

  @Field(() => String, { nullable: true })
  note?: string;
}

@ObjectType('StaffProfile', {
  description: "A staff member's place in one store: title, bookability, skills and working hours.",
})
export class StaffProfileType {
  @Field(() => ID)
  id!: string;

  @Field(() => StoreType)
  store!: StoreType;

  @Field(() => StaffMemberType)
  staffMember!: StaffMemberType;

  @Field(() => String, { nullable: true, description: 'e.g. 高级技师, 美容顾问.' })
  title?: string;

  @Field({ description: 'Customers can book this person.' })
  bookable!: boolean;

  @Field()
  active!: boolean;

  @Field(() => [ServiceItemType], { description: 'Services this person may perform; empty means all.' })
  services!: ServiceItemType[];

  @Field(() => [WorkingHoursType], { description: 'The weekly hours, by weekday and start.' })
  workingHours!: WorkingHoursType[];

  @Field(() => [ScheduleExceptionType], { description: 'Leave and extra shifts, by date.' })
  exceptions!: ScheduleExceptionType[];
}

@ObjectType('ScheduleExceptionPayload')
export class ScheduleExceptionPayload {
  @Field(() => ScheduleExceptionType)
  exception!: ScheduleExceptionType;

  @Field(() => [AppointmentType], {
    description: 'Open appointments of this person that the leave overlaps: move or reassign them.',
  })
  affectedAppointments!: AppointmentType[];
}
