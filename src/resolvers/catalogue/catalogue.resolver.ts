import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { ContraindicationTag, Room, ServiceItem } from '../../entities';
import type { RowOf } from '../../services/rows';
import type { AppContext } from '../context';
import { RoomType, ServiceItemType } from '../../schema/catalogue/catalogue.type';
import { Money } from '../../schema/money.type';
import { inCurrency } from '../money-field';

/** The service menu and rooms (read side; management mutations come with the catalogue work). */
@Resolver(() => ServiceItemType)
export class CatalogueResolver {
  @Query(() => [ServiceItemType], { description: '服务项目 of the organization, by category and name.' })
  services(
    @Ctx() { em }: AppContext,
    @Arg('includeInactive', { defaultValue: false }) includeInactive: boolean,
  ) {
    return em.find(ServiceItem, includeInactive ? {} : { active: true }, {
      orderBy: { category: 'asc', name: 'asc' },
    });
  }

  @Query(() => [RoomType], { description: 'Rooms of a store.' })
  rooms(@Ctx() { em }: AppContext, @Arg('storeId', () => ID) storeId: string) {
    return em.find(Room, { store: storeId }, { orderBy: { name: 'asc' } });
  }

  @FieldResolver(() => Money, { nullable: true })
  async price(@Root() service: RowOf<ServiceItem>, @Ctx() context: AppContext) {
    return inCurrency(context, service.price);
  }

  @FieldResolver()
  contraindications(@Root() service: RowOf<ServiceItem>, @Ctx() context: AppContext) {
    return context.loaders.rows
      .collection(ServiceItem, 'contraindications', ContraindicationTag)
      .load(service.id);
  }
}
