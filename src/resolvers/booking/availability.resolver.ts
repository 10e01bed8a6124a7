import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { AvailabilityArgs, AvailableSlotType } from '../../schema/booking/availability.type';

@Resolver()
export class AvailabilityResolver {
  @Query(() => [AvailableSlotType], {
    description:
      "Free slots for a service on a day at a store (store's time zone), optionally for one therapist: " +
      'working hours, leave, existing appointments with their buffers, and room capacity.',
  })
  availability(@Args() args: AvailabilityArgs, @Ctx() context: AppContext) {
    return context.services.availability.slots(args);
  }
}
