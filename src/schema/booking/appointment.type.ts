import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ContraindicationTagType, RoomType, ServiceItemType } from '../catalogue/catalogue.type';
import { Connection } from '../connection.type';
import { CustomerType } from '../customers/customer.type';
import { AppointmentStatus, BookingChannel, HealthFactKind } from '../enums.type';
import { StoreType } from '../organization/organization.type';
import { StaffMemberType } from '../staff/staff.type';

@ObjectType('AppointmentItem', { description: 'One service of an appointment, in sequence.' })
export class AppointmentItemType {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  position!: number;

  @Field(() => ServiceItemType)
  service!: ServiceItemType;

  @Field(() => StaffMemberType, {
    nullable: true,
    description: '技师 (hidden from integrations: staff data).',
  })
  therapist?: StaffMemberType;

  @Field(() => RoomType, { nullable: true })
  room?: RoomType;

  @Field()
  startsAt!: Date;

  @Field()
  endsAt!: Date;
}

@ObjectType('Appointment', { description: '预约: a customer, a store, one or more services in sequence.' })
export class AppointmentType {
  @Field(() => ID)
  id!: string;

  @Field(() => AppointmentStatus)
  status!: AppointmentStatus;

  @Field(() => BookingChannel)
  channel!: BookingChannel;

  @Field()
  startsAt!: Date;

  @Field()
  endsAt!: Date;

  @Field(() => StoreType)
  store!: StoreType;

  @Field(() => CustomerType, { nullable: true })
  customer?: CustomerType;

  @Field(() => [AppointmentItemType])
  items!: AppointmentItemType[];

  @Field({ description: 'A clinical role should review the contraindication check before the service.' })
  healthReviewRequired!: boolean;

  @Field(() => String, { nullable: true })
  notes?: string;

  @Field(() => String, { nullable: true })
  cancelReason?: string;

  @Field(() => Date, { nullable: true })
  confirmedAt?: Date;

  @Field(() => Date, { nullable: true, description: '到店 time.' })
  checkedInAt?: Date;

  @Field(() => Date, { nullable: true })
  completedAt?: Date;

  @Field(() => Date, { nullable: true })
  cancelledAt?: Date;

  @Field(() => Date, { nullable: true })
  noShowAt?: Date;

  @Field(() => Int, { description: 'Send it back as expectedVersion when rescheduling.' })
  version!: number;

  @Field()
  createdAt!: Date;
}

@ObjectType('AppointmentConnection')
export class AppointmentConnection extends Connection('Appointment', AppointmentType) {}

@ObjectType('ContraindicationFinding', {
  description:
    'A service tag that matched a health fact of the customer. Health detail: clinical roles only.',
})
export class ContraindicationFindingType {
  @Field(() => ServiceItemType)
  service!: ServiceItemType;

  @Field(() => ContraindicationTagType)
  tag!: ContraindicationTagType;

  @Field(() => HealthFactKind)
  factKind!: HealthFactKind;

  @Field({ description: 'The matching record, e.g. the allergy substance or 孕期.' })
  fact!: string;
}

@ObjectType('ContraindicationCheck', {
  description:
    '禁忌检查 of the booked services against the customer health profile. Everyone who books sees ' +
    'whether a review is needed; only roles that may read the customer health data see why.',
})
export class ContraindicationCheckType {
  @Field()
  healthReviewRequired!: boolean;

  @Field({ description: 'A finding says AVOID (禁用).' })
  blocking!: boolean;

  @Field(() => [ContraindicationFindingType], { nullable: true })
  findings?: ContraindicationFindingType[];
}

@ObjectType('AppointmentPayload')
export class AppointmentPayload {
  @Field(() => AppointmentType)
  appointment!: AppointmentType;

  @Field(() => ContraindicationCheckType)
  contraindications!: ContraindicationCheckType;
}
