import {
  Collection,
  Entity,
  ManyToMany,
  ManyToOne,
  OneToMany,
  Property,
  Unique,
  type Ref,
  OptionalProps,
  Index,
} from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { ScheduleException } from './schedule-exception.entity';
import { ServiceItem } from '../catalogue/service-item.entity';
import { Store } from '../organization/store.entity';
import { User } from './user.entity';
import { WorkingHours } from './working-hours.entity';

/** A staff member's place in one store: title, bookability, skills and hours there. */
@Entity()
@Index({ name: 'staff_profile_user_index', properties: ['user'] })
@Unique({ properties: ['store', 'user'] })
export class StaffProfile extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'bookable' | 'active';

  @ManyToOne(() => Store, { ref: true })
  store!: Ref<Store>;

  @ManyToOne(() => User, { ref: true })
  user!: Ref<User>;

  /** e.g. 高级技师, 美容顾问. */
  @Property({ length: 50, nullable: true })
  title?: string;

  /** Customers can book this person (therapists); consultants usually are not. */
  @Property()
  bookable: boolean = true;

  @Property()
  active: boolean = true;

  /** Services this person may perform; empty means every service. */
  @ManyToMany(() => ServiceItem, undefined, { pivotTable: 'staff_profile_service' })
  services = new Collection<ServiceItem>(this);

  @OneToMany(() => WorkingHours, (hours) => hours.staffProfile, { orphanRemoval: true })
  workingHours = new Collection<WorkingHours>(this);

  @OneToMany(() => ScheduleException, (exception) => exception.staffProfile, { orphanRemoval: true })
  exceptions = new Collection<ScheduleException>(this);
}
