import { Entity, ManyToOne, Property, type Ref, OptionalProps, Check, Index } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import type { StaffProfile } from './staff-profile.entity';

/** One weekly working period, e.g. Monday 10:00–14:00; a split shift is two rows. Store local time. */
@Entity()
@Index({ name: 'working_hours_staff_profile_index', properties: ['staffProfile', 'weekday'] })
// Exclusion constraints (the database refuses overlaps); MikroORM has no decorator for them and
// reads them as indexes, so they are declared as expression indexes (compared by name).
@Index({
  name: 'working_hours_no_overlap',
  expression:
    'alter table working_hours add constraint working_hours_no_overlap exclude using gist (staff_profile_id with =, weekday with =, int4range((extract(epoch from starts_at) / 60)::int, (extract(epoch from ends_at) / 60)::int) with &&)',
})
@Check({
  name: 'working_hours_range_check',
  expression: 'weekday >= 1 and weekday <= 7 and starts_at < ends_at',
})
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
