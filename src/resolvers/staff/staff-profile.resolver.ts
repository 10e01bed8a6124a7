import { ScheduleException, ServiceItem, StaffProfile, Store, User, WorkingHours } from '../../entities';
import { rowOf } from '../row-refs';
import type { RowOf } from '../../services/rows';
import { GraphQLLocalDate } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import { minutesOf } from '../../core/local-time';
import { formatClock } from '../../services/staff/staff-hours';
import { StaffProfileInput } from '../../schema/staff/staff-schedule.inputs';
import {
  ScheduleExceptionType,
  StaffProfileType,
  WorkingHoursType,
} from '../../schema/staff/staff-schedule.type';

@Resolver(() => StaffProfileType)
export class StaffProfileResolver {
  @Query(() => [StaffProfileType], { description: 'Staff profiles of a store, by name.' })
  staffProfiles(
    @Arg('storeId', () => ID) storeId: string,
    @Arg('includeInactive', { defaultValue: false }) includeInactive: boolean,
    @Ctx() context: AppContext,
  ) {
    return context.services.staffProfiles.list(storeId, includeInactive);
  }

  @Query(() => StaffProfileType)
  staffProfile(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.staffProfiles.get(id);
  }

  @Mutation(() => StaffProfileType, {
    description: 'Create or update the profile of a staff member in a store (title, bookable, services).',
  })
  upsertStaffProfile(@Arg('input') input: StaffProfileInput, @Ctx() context: AppContext) {
    return context.services.staffProfiles.upsert(input);
  }

  @FieldResolver()
  store(@Root() profile: RowOf<StaffProfile>, @Ctx() context: AppContext) {
    return rowOf(context, Store, profile.store);
  }

  @FieldResolver()
  staffMember(@Root() profile: RowOf<StaffProfile>, @Ctx() context: AppContext) {
    return rowOf(context, User, profile.user);
  }

  @FieldResolver()
  services(@Root() profile: RowOf<StaffProfile>, @Ctx() context: AppContext) {
    return context.loaders.rows.collection(StaffProfile, 'services', ServiceItem).load(profile.id);
  }

  @FieldResolver()
  async workingHours(@Root() profile: RowOf<StaffProfile>, @Ctx() context: AppContext) {
    return (await context.loaders.rows.byParent(WorkingHours, 'staffProfile', 't.id').load(profile.id)).sort(
      (a, b) => a.weekday - b.weekday || minutesOf(a.startsAt) - minutesOf(b.startsAt),
    );
  }

  @FieldResolver()
  async exceptions(
    @Root() profile: RowOf<StaffProfile>,
    @Ctx() context: AppContext,
    @Arg('from', () => GraphQLLocalDate, { nullable: true, description: 'From this date on (inclusive).' })
    from?: string,
  ) {
    return (await context.loaders.rows.byParent(ScheduleException, 'staffProfile', 't.id').load(profile.id))
      .filter((exception) => !from || exception.date >= from)
      .sort(
        (a, b) =>
          a.date.localeCompare(b.date) || minutesOf(a.startsAt ?? '0:0') - minutesOf(b.startsAt ?? '0:0'),
      );
  }
}

/** Times are stored as PostgreSQL `time` ('10:00:00'); the API speaks 'HH:MM'. */
const clock = (time: string | undefined | null) => (time ? formatClock(minutesOf(time)) : null);

@Resolver(() => WorkingHoursType)
export class WorkingHoursFieldsResolver {
  @FieldResolver()
  startsAt(@Root() hours: RowOf<WorkingHours>) {
    return clock(hours.startsAt);
  }

  @FieldResolver()
  endsAt(@Root() hours: RowOf<WorkingHours>) {
    return clock(hours.endsAt);
  }
}

@Resolver(() => ScheduleExceptionType)
export class ScheduleExceptionFieldsResolver {
  @FieldResolver(() => String, { nullable: true })
  startsAt(@Root() exception: RowOf<ScheduleException>) {
    return clock(exception.startsAt);
  }

  @FieldResolver(() => String, { nullable: true })
  endsAt(@Root() exception: RowOf<ScheduleException>) {
    return clock(exception.endsAt);
  }
}
