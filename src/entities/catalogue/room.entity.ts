import { Entity, ManyToOne, Property, Unique, type Ref, OptionalProps } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { Store } from '../organization/store.entity';

/**
 * 房间 / 床位: the bookable place a service happens in. One booking at a time; a twin room is two
 * rooms (beds) of the same kind, so "room capacity" is the number of free rooms of a kind.
 */
@Entity()
@Unique({ properties: ['store', 'name'] })
export class Room extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'active';

  @ManyToOne(() => Store, { ref: true })
  store!: Ref<Store>;

  @Property({ length: 50 })
  name!: string;

  /** Matches ServiceItem.roomKind, e.g. 理疗房, 美容房, 足疗区. */
  @Property({ length: 50 })
  kind!: string;

  @Property()
  active: boolean = true;
}
