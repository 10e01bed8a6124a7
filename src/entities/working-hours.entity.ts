import { Entity, ManyToOne, Property, type Ref, OptionalProps } from '@mikro-orm/core';
import { OrganizationScoped } from './base.entity';
import type { StaffProfile } from './staff-profile.entity';

/** One weekly working period, e.g. Monday 10:00–14:00; a split shift is two rows. Store local time. */
@Entity()
export class WorkingHours extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @ManyToOne('StaffProfile', { ref: true, deleteRule: 'cascade' })
  staffProfile!: Ref<StaffProfile>;

  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  @Property({ type: 'smallint' })
  weekday!: number;

  /** 'HH:MM' local time. */
  @Property({ type: 'time' })
  startsAt!: string;

  @Property({ type: 'time' })
  endsAt!: string;
}
