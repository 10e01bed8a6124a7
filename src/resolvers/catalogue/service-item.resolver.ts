import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { ServiceItemInput } from '../../schema/catalogue/catalogue.inputs';
import { ServiceItemType } from '../../schema/catalogue/catalogue.type';

/** One service and the menu's management; the list is `services` in catalogue.resolver.ts. */
@Resolver(() => ServiceItemType)
export class ServiceItemResolver {
  @Query(() => ServiceItemType, { description: 'One 服务项目, active or not.' })
  service(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.serviceItems.get(id);
  }

  @Mutation(() => ServiceItemType, {
    description:
      'Add a 服务项目 (code, name, category, durationMinutes, priceMinorUnits required); CONFLICT reason DUPLICATE_CODE if the code is taken.',
  })
  createService(@Arg('input') input: ServiceItemInput, @Ctx() context: AppContext) {
    return context.services.serviceItems.create(input);
  }

  @Mutation(() => ServiceItemType, {
    description: 'Change a service; CONFLICT reason STALE_VERSION when expectedVersion is not current.',
  })
  updateService(
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Arg('input') input: ServiceItemInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.serviceItems.update(id, expectedVersion, input);
  }

  @Mutation(() => ServiceItemType, {
    description: '上架 / 下架: inactive services are not bookable; visits keep them.',
  })
  setServiceActive(
    @Arg('id', () => ID) id: string,
    @Arg('active') active: boolean,
    @Ctx() context: AppContext,
  ) {
    return context.services.serviceItems.setActive(id, active);
  }
}
