import {
  Collection,
  Entity,
  Index,
  ManyToOne,
  OneToMany,
  Property,
  type Ref,
  OptionalProps,
  Check,
} from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { ServiceItem } from '../catalogue/service-item.entity';
import { User } from '../staff/user.entity';
import type { Visit } from './visit.entity';
import { VisitProductUse } from './visit-product-use.entity';

/** One service given in a visit: who gave it, how long, where on the body, which products. */
@Entity()
@Index({ name: 'visit_line_visit_index', properties: ['visit', 'position'] })
@Check({ name: 'visit_line_check', expression: 'duration_minutes > 0 and list_price >= 0' })
@Index({ properties: ['therapist', 'visit'] })
export class VisitLine extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @ManyToOne('Visit', { ref: true, deleteRule: 'cascade' })
  visit!: Ref<Visit>;

  @Property({ type: 'smallint' })
  position!: number;

  @ManyToOne(() => ServiceItem, { ref: true })
  service!: Ref<ServiceItem>;

  @ManyToOne(() => User, { ref: true })
  therapist!: Ref<User>;

  @Property({ type: 'integer' })
  durationMinutes!: number;

  /** 护理部位, e.g. 肩颈, 背部, 面部. */
  @Property({ length: 50, nullable: true })
  bodyArea?: string;

  /** The service's list price when it was given, in minor units. */
  @Property({ type: 'integer' })
  listPrice!: number;

  @OneToMany(() => VisitProductUse, (use) => use.line)
  products = new Collection<VisitProductUse>(this);
}
