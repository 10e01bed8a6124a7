import { FieldResolver, Resolver, Root } from 'type-graphql';
import type { Appointment, AppointmentItem } from '../entities';
import { AppointmentItemType, AppointmentType } from '../schema/appointment.type';

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
