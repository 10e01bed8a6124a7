import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import {
  AppointmentFilter,
  BookAppointmentInput,
  RescheduleAppointmentInput,
} from '../../schema/booking/appointment.inputs';
import {
  AppointmentConnection,
  AppointmentPayload,
  AppointmentType,
} from '../../schema/booking/appointment.type';

@Resolver(() => AppointmentType)
export class AppointmentResolver {
  @Query(() => AppointmentType, { description: 'One appointment (a therapist sees only their own).' })
  appointment(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.appointments.get(id);
  }

  @Query(() => AppointmentConnection, { description: 'Appointments in start order.' })
  appointments(
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => AppointmentFilter, { nullable: true }) filter?: AppointmentFilter,
  ) {
    return context.services.appointments.list({ first, after, filter });
  }

  @Query(() => AppointmentConnection, { description: "The caller's own appointments as therapist." })
  myAppointments(
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => AppointmentFilter, { nullable: true }) filter?: AppointmentFilter,
  ) {
    return context.services.appointments.list({
      first,
      after,
      filter: { ...filter, therapistId: context.viewer!.userId ?? context.viewer!.id },
    });
  }

  @Mutation(() => AppointmentPayload, {
    description:
      '预约: book services in sequence. Fails with CONFLICT (reason THERAPIST_BUSY / ROOM_BUSY) when the ' +
      'slot is taken, also by a concurrent booking. The payload says whether a health review is needed.',
  })
  bookAppointment(@Arg('input') input: BookAppointmentInput, @Ctx() context: AppContext) {
    return context.services.booking.book(input);
  }

  @Mutation(() => AppointmentPayload, {
    description: 'Move an appointment; CONFLICT when the version is stale.',
  })
  rescheduleAppointment(
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Arg('input') input: RescheduleAppointmentInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.booking.reschedule(id, expectedVersion, input);
  }

  @Mutation(() => AppointmentType, { description: 'BOOKED → CONFIRMED.' })
  confirmAppointment(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.appointmentStatus.confirm(id);
  }

  @Mutation(() => AppointmentType, { description: '到店: → ARRIVED, on the day of the appointment.' })
  checkInAppointment(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.appointmentStatus.checkIn(id);
  }

  @Mutation(() => AppointmentType, { description: 'Cancel with a reason; the slot is free again.' })
  cancelAppointment(
    @Arg('id', () => ID) id: string,
    @Arg('reason') reason: string,
    @Ctx() context: AppContext,
  ) {
    return context.services.appointmentStatus.cancel(id, reason);
  }

  @Mutation(() => AppointmentType, {
    description: '爽约: the customer did not come; the slot is free again.',
  })
  markAppointmentNoShow(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.appointmentStatus.markNoShow(id);
  }
}
