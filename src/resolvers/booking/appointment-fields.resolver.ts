import { AppointmentItem, Customer, Room, ServiceItem, Store, User, type Appointment } from '../../entities';
import { rowOf } from '../row-refs';
import type { RowOf } from '../../services/rows';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Resolver, Root } from 'type-graphql';
import { APPOINTMENT_ITEM_ORDER } from '../../services/customers/customer-lists';
import { selectedFields } from '../../services/read/selection';
import type { AppContext } from '../context';
import {
  AppointmentConnection,
  AppointmentItemType,
  AppointmentType,
} from '../../schema/booking/appointment.type';
import { CustomerType } from '../../schema/customers/customer.type';

/** Relations of appointments, through MikroORM's batching dataloaders (constant statements per page). */
@Resolver(() => AppointmentType)
export class AppointmentFieldsResolver {
  @FieldResolver()
  store(@Root() appointment: RowOf<Appointment>, @Ctx() context: AppContext) {
    return rowOf(context, Store, appointment.store);
  }

  @FieldResolver()
  customer(@Root() appointment: RowOf<Appointment>, @Ctx() context: AppContext) {
    return rowOf(context, Customer, appointment.customer);
  }

  @FieldResolver()
  items(@Root() appointment: RowOf<Appointment>, @Ctx() context: AppContext) {
    return context.loaders.rows
      .byParent(AppointmentItem, 'appointment', APPOINTMENT_ITEM_ORDER)
      .get(appointment.id);
  }
}

@Resolver(() => AppointmentItemType)
export class AppointmentItemFieldsResolver {
  @FieldResolver()
  service(@Root() item: RowOf<AppointmentItem>, @Ctx() context: AppContext) {
    return rowOf(context, ServiceItem, item.service);
  }

  @FieldResolver()
  therapist(@Root() item: RowOf<AppointmentItem>, @Ctx() context: AppContext) {
    return rowOf(context, User, item.therapist);
  }

  @FieldResolver()
  room(@Root() item: RowOf<AppointmentItem>, @Ctx() context: AppContext) {
    return rowOf(context, Room, item.room);
  }
}

@Resolver(() => CustomerType)
export class CustomerAppointmentsResolver {
  @FieldResolver(() => AppointmentConnection, {
    nullable: true,
    description: '预约 of the customer, latest start first (a therapist sees only their own).',
  })
  appointments(
    @Root() customer: RowOf<Customer>,
    @Ctx() context: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ) {
    return context.loaders.customerAppointments
      .want(selectedFields(info, ['edges', 'node']))
      .pages.load({ parentId: customer.id, first, after });
  }
}
