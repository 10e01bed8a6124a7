import { Collection, Entity, Enum, ManyToMany, Property, Unique, OptionalProps } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { StaffRole } from './staff.enums';
import { Store } from '../organization/store.entity';

/** A staff member who logs in with email and password. */
@Entity({ tableName: 'app_user' })
export class User extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'active';

  /** Stored lower-cased; unique across organizations because login is by email alone. */
  @Property({ length: 254 })
  @Unique()
  email!: string;

  @Property({ length: 200, hidden: true, lazy: true })
  passwordHash!: string;

  @Property({ length: 100 })
  displayName!: string;

  @Enum({ items: () => StaffRole, nativeEnumName: 'staff_role' })
  role!: StaffRole;

  @ManyToMany(() => Store, undefined, { pivotTable: 'user_store' })
  stores = new Collection<Store>(this);

  @Property()
  active: boolean = true;

  @Property({ type: 'timestamptz', nullable: true })
  lastLoginAt?: Date;
}
