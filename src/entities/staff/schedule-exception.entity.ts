import { Entity, Enum, ManyToOne, Property, type Ref, OptionalProps, Check, Index } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { ScheduleExceptionKind } from './staff.enums';
import type { StaffProfile } from './staff-profile.entity';

/** 请假 or 加班 on one date (store local time); a LEAVE without hours is the whole day. */
@Entity()
@Index({ name: 'schedule_exception_staff_profile_index', properties: ['staffProfile', 'date'] })
@Check({
  name: 'schedule_exception_range_check',
  expression: `(starts_at is null and ends_at is null and kind = 'LEAVE') or (starts_at is not null and ends_at is not null and starts_at < ends_at)`,
})
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
