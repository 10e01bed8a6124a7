import { Entity, Index, ManyToOne, Property, type Ref, OptionalProps, Check } from '@mikro-orm/core';
import type { Appointment } from './appointment.entity';
import { OrganizationScoped } from '../base.entity';
import { Room } from '../catalogue/room.entity';
import { ServiceItem } from '../catalogue/service-item.entity';
import { User } from '../staff/user.entity';

/**
 * One service of an appointment, with the therapist and room it holds from `startsAt` to `blockedUntil`
 * (end plus the service's buffer). Exclusion constraints in the database keep a therapist or room
 * from holding two overlapping items while `blocking` (cleared when the appointment is cancelled or
 * a no-show), see the migration.
 */
@Entity()
@Index({ name: 'appointment_item_appointment_index', properties: ['appointment', 'position'] })
@Index({ name: 'appointment_item_room_index', properties: ['room', 'startsAt'] })
// Exclusion constraints (the database refuses overlaps); MikroORM has no decorator for them and
// reads them as indexes, so they are declared as expression indexes (compared by name).
@Index({
  name: 'appointment_item_therapist_overlap',
  expression: `alter table appointment_item add constraint appointment_item_therapist_overlap exclude using gist (therapist_id with =, tstzrange(starts_at, blocked_until, '[)') with &&) where (blocking)`,
})
@Index({
  name: 'appointment_item_room_overlap',
  expression: `alter table appointment_item add constraint appointment_item_room_overlap exclude using gist (room_id with =, tstzrange(starts_at, blocked_until, '[)') with &&) where (blocking and room_id is not null)`,
})
@Check({
  name: 'appointment_item_time_check',
  expression: 'starts_at < ends_at and ends_at <= blocked_until',
})
@Index({ properties: ['therapist', 'startsAt'] })
export class AppointmentItem extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'blocking';

  @ManyToOne('Appointment', { ref: true, deleteRule: 'cascade' })
  appointment!: Ref<Appointment>;

  @Property({ type: 'smallint' })
  position!: number;

  @ManyToOne(() => ServiceItem, { ref: true })
  service!: Ref<ServiceItem>;

  @ManyToOne(() => User, { ref: true })
  therapist!: Ref<User>;

  @ManyToOne(() => Room, { ref: true, nullable: true })
  room?: Ref<Room>;

  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  /** endsAt plus the service's buffer: what the therapist and room are held for. */
  @Property({ type: 'timestamptz' })
  blockedUntil!: Date;

  @Property()
  blocking: boolean = true;
}
