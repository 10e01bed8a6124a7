import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Appointment, AppointmentItem, Customer } from '../entities';
import type { AppContext } from '../server/context';
import { AppointmentConnection, AppointmentItemType, AppointmentType } from '../schema/appointment.type';
import { CustomerType } from '../schema/customer.type';

/** Relations of appointments, through MikroORM's batching dataloaders (constant statements per page). */
@Resolver(() => AppointmentType)
export class AppointmentFieldsResolver {
  @FieldResolver()
  store(@Root() appointment: Appointment) {
    return appointment.store.load();
  }

  @FieldResolver()
  customer(@Root() appointment: Appointment) {
    return appointment.customer.load();
  }

  @FieldResolver()
  async items(@Root() appointment: Appointment) {
    return (await appointment.items.load()).getItems();
  }
}

@Resolver(() => AppointmentItemType)
export class AppointmentItemFieldsResolver {
  @FieldResolver()
  service(@Root() item: AppointmentItem) {
    return item.service.load();
  }

  @FieldResolver()
  therapist(@Root() item: AppointmentItem) {
    return item.therapist.load();
  }

  @FieldResolver()
  room(@Root() item: AppointmentItem) {
    return item.room?.load() ?? null;
  }
}

@Resolver(() => CustomerType)
export class CustomerAppointmentsResolver {
  @FieldResolver(() => AppointmentConnection, {
    nullable: true,
    description: '预约 of the customer, latest start first (a therapist sees only their own).',
  })
  appointments(
    @Root() customer: Customer,
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ) {
    return context.loaders.customerAppointments.load({ parentId: customer.id, first, after });
  }
}
