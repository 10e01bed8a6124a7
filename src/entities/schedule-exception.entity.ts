import { Entity, Enum, ManyToOne, Property, type Ref, OptionalProps } from '@mikro-orm/core';
import { OrganizationScoped } from './base.entity';
import { ScheduleExceptionKind } from './enums';
import type { StaffProfile } from './staff-profile.entity';

/** 请假 or 加班 on one date (store local time); a LEAVE without hours is the whole day. */
@Entity()
export class ScheduleException extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @ManyToOne('StaffProfile', { ref: true, deleteRule: 'cascade' })
  staffProfile!: Ref<StaffProfile>;

  @Property({ type: 'date' })
  date!: string;

  @Enum({ items: () => ScheduleExceptionKind, nativeEnumName: 'schedule_exception_kind' })
  kind!: ScheduleExceptionKind;

  @Property({ type: 'time', nullable: true })
  startsAt?: string;

  @Property({ type: 'time', nullable: true })
  endsAt?: string;

  @Property({ length: 200, nullable: true })
  note?: string;
}
