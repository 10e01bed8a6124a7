import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { CreateRoomInput, UpdateRoomInput } from '../../schema/catalogue/catalogue.inputs';
import { RoomType } from '../../schema/catalogue/catalogue.type';

/** Room management; the list is `rooms(storeId)` in catalogue.resolver.ts. */
@Resolver(() => RoomType)
export class RoomResolver {
  @Mutation(() => RoomType, {
    description: 'Add a room; CONFLICT reason DUPLICATE_NAME if the store has it.',
  })
  createRoom(@Arg('input') input: CreateRoomInput, @Ctx() context: AppContext) {
    return context.services.rooms.create(input);
  }

  @Mutation(() => RoomType, { description: 'Rename, change the kind of, or deactivate a room.' })
  updateRoom(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateRoomInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.rooms.update(id, input);
  }
}
