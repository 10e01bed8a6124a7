import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { RecordVisitInput, VisitFilter } from '../../schema/visits/visit.inputs';
import { VisitConnection, VisitType } from '../../schema/visits/visit.type';

@Resolver(() => VisitType)
export class VisitResolver {
  @Query(() => VisitType, { description: 'One visit (a therapist sees only visits they gave a service in).' })
  visit(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.visits.get(id);
  }

  @Query(() => VisitConnection, { description: '服务记录, newest first.' })
  visits(
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => VisitFilter, { nullable: true }) filter?: VisitFilter,
  ) {
    return context.services.visits.list({ first, after, filter });
  }

  @Query(() => VisitConnection, { description: 'Visits in which the caller gave a service, newest first.' })
  myVisits(
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => VisitFilter, { nullable: true }) filter?: VisitFilter,
  ) {
    return context.services.visits.list({
      first,
      after,
      filter: { ...filter, therapistId: context.viewer!.userId ?? context.viewer!.id },
    });
  }

  @Mutation(() => VisitType, {
    description:
      '记录服务: from a checked-in appointment or a walk-in. Stock of products used decreases in the same ' +
      "transaction (BAD_USER_INPUT with reason INSUFFICIENT_STOCK when short), the customer's visitCount " +
      'and lastVisitAt follow, the appointment becomes COMPLETED.',
  })
  recordVisit(@Arg('input') input: RecordVisitInput, @Ctx() context: AppContext) {
    return context.services.visitRecording.record(input);
  }
}
