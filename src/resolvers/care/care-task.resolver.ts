import { Customer, Store, User, type CareTask } from '../../entities';
import { rowOf } from '../row-refs';
import type { RowOf } from '../../services/rows';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import { CancelCareTaskInput, CareTaskFilter, CompleteCareTaskInput } from '../../schema/care/care.inputs';
import { CareScheduleRunType, CareTaskConnection, CareTaskType } from '../../schema/care/care.type';

@Resolver(() => CareTaskType)
export class CareTaskResolver {
  @Query(() => CareTaskConnection, {
    description: 'Care tasks of the organization by due date (soonest first); OPEN unless filtered.',
  })
  careTasks(
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => CareTaskFilter, { nullable: true }) filter?: CareTaskFilter,
  ) {
    return context.services.careTasks.list({ first, after, filter });
  }

  @Query(() => CareTaskConnection, { description: 'The caller’s own care tasks by due date.' })
  myCareTasks(
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => CareTaskFilter, { nullable: true }) filter?: CareTaskFilter,
  ) {
    return context.services.careTasks.list({ first, after, filter, mine: true });
  }

  @Mutation(() => CareTaskType, {
    description:
      'Mark a task DONE with its outcome; with a channel the contact is logged as a communication.',
  })
  completeCareTask(@Arg('input') input: CompleteCareTaskInput, @Ctx() context: AppContext) {
    return context.services.careTasks.complete(input);
  }

  @Mutation(() => CareTaskType, { description: 'Cancel a task that no longer makes sense, with the reason.' })
  cancelCareTask(@Arg('input') input: CancelCareTaskInput, @Ctx() context: AppContext) {
    return context.services.careTasks.cancel(input);
  }

  @Mutation(() => CareScheduleRunType, {
    description: 'Run the care schedule now (it also runs every 15 minutes); creates only what is missing.',
  })
  runCareSchedule(@Ctx() context: AppContext) {
    return context.services.careTasks.runNow();
  }

  @FieldResolver()
  customer(@Root() task: RowOf<CareTask>, @Ctx() context: AppContext) {
    return rowOf(context, Customer, task.customer);
  }

  @FieldResolver()
  store(@Root() task: RowOf<CareTask>, @Ctx() context: AppContext) {
    return rowOf(context, Store, task.store);
  }

  @FieldResolver()
  owner(@Root() task: RowOf<CareTask>, @Ctx() context: AppContext) {
    return rowOf(context, User, task.owner);
  }

  @FieldResolver(() => ID, { nullable: true })
  visitId(@Root() task: RowOf<CareTask>) {
    return task.visit?.id ?? null;
  }

  @FieldResolver(() => ID, { nullable: true })
  complaintId(@Root() task: RowOf<CareTask>) {
    return task.complaint?.id ?? null;
  }

  @FieldResolver(() => ID, { nullable: true })
  accountId(@Root() task: RowOf<CareTask>) {
    return task.account?.id ?? null;
  }
}
