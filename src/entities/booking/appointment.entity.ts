import {
  Collection,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToMany,
  Property,
  Unique,
  type Ref,
  OptionalProps,
  Check,
} from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { AppointmentItem } from './appointment-item.entity';
import { Customer } from '../customers/customer.entity';
import { AppointmentStatus, BookingChannel } from './booking.enums';
import { Store } from '../organization/store.entity';
import { User } from '../staff/user.entity';

/** 预约: one customer, one store, one or more services in sequence (the items). */
@Entity()
@Check({ name: 'appointment_time_check', expression: 'starts_at < ends_at' })
@Check({
  name: 'appointment_cancel_reason_check',
  expression: `status <> 'CANCELLED' or cancel_reason is not null`,
})
@Index({ properties: ['store', 'startsAt'] })
@Index({ properties: ['customer', 'startsAt'] })
@Unique({ properties: ['organization', 'idempotencyKey'] })
export class Appointment extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'status' | 'healthReviewRequired' | 'version';

  @ManyToOne(() => Store, { ref: true })
  store!: Ref<Store>;

  @ManyToOne(() => Customer, { ref: true })
  customer!: Ref<Customer>;

  @Enum({ items: () => AppointmentStatus, nativeEnumName: 'appointment_status' })
  status: AppointmentStatus = AppointmentStatus.BOOKED;

  @Enum({ items: () => BookingChannel, nativeEnumName: 'booking_channel' })
  channel!: BookingChannel;

  /** Start of the first item. */
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  /** End of the last item (without its buffer). */
  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  @OneToMany(() => AppointmentItem, (item) => item.appointment, { orderBy: { position: 'asc' } })
  items = new Collection<AppointmentItem>(this);

  /** The contraindication check found something a clinical role should look at. */
  @Property()
  healthReviewRequired: boolean = false;

  @Property({ length: 500, nullable: true })
  notes?: string;

  @Property({ type: 'timestamptz', nullable: true })
  confirmedAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  checkedInAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  completedAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  cancelledAt?: Date;

  @Property({ length: 200, nullable: true })
  cancelReason?: string;

  @Property({ type: 'timestamptz', nullable: true })
  noShowAt?: Date;

  /** Staff member who booked it; null when an integration (API key) did. */
  @ManyToOne(() => User, { ref: true, nullable: true })
  bookedBy?: Ref<User>;

  /** The idempotency key it was booked with (its record: idempotency_record); unique per organization. */
  @Property({ length: 100, nullable: true })
  idempotencyKey?: string;

  @Property({ version: true })
  version!: number;
}
