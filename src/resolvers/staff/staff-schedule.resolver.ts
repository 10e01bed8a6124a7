import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { ScheduleExceptionInput, WorkingHoursInput } from '../../schema/staff/staff-schedule.inputs';
import { ScheduleExceptionPayload, StaffProfileType } from '../../schema/staff/staff-schedule.type';

/** 排班: weekly hours, 请假 and 加班 of a staff profile. */
@Resolver()
export class StaffScheduleResolver {
  @Mutation(() => StaffProfileType, {
    description:
      "Replace the weekly hours. BAD_USER_INPUT names hours[i] when a time is not 'HH:MM', ends before it starts, or overlaps another period of that weekday.",
  })
  setWorkingHours(
    @Arg('staffProfileId', () => ID) staffProfileId: string,
    @Arg('hours', () => [WorkingHoursInput]) hours: WorkingHoursInput[],
    @Ctx() context: AppContext,
  ) {
    return context.services.staffSchedules.setWorkingHours(staffProfileId, hours);
  }

  @Mutation(() => ScheduleExceptionPayload, {
    description: 'Add 请假 or 加班; the payload lists open appointments a leave overlaps.',
  })
  addScheduleException(@Arg('input') input: ScheduleExceptionInput, @Ctx() context: AppContext) {
    return context.services.staffSchedules.addException(input);
  }

  @Mutation(() => ID, { description: 'Remove a leave or extra shift.' })
  removeScheduleException(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.staffSchedules.removeException(id);
  }
}
