import { Collection, Entity, ManyToMany, Property, Unique, OptionalProps, Check } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { ContraindicationTag } from './contraindication-tag.entity';
import { ServiceItemContraindication } from './service-item-contraindication.entity';

/** 服务项目: a service on the menu, e.g. 肩颈推拿 60 分钟 ¥198. */
@Entity()
@Check({ name: 'service_item_price_check', expression: 'price >= 0' })
@Check({
  name: 'service_item_duration_check',
  expression:
    'duration_minutes >= 5 and duration_minutes <= 720 and buffer_minutes >= 0 and buffer_minutes <= 240',
})
@Unique({ properties: ['organization', 'code'] })
export class ServiceItem extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'active' | 'bufferMinutes' | 'version';

  @Property({ length: 20 })
  code!: string;

  @Property({ length: 100 })
  name!: string;

  /** 项目类别, e.g. 推拿按摩类, 艾灸拔罐类, 美容养颜类, SPA水疗类. */
  @Property({ length: 50 })
  category!: string;

  @Property({ type: 'text', nullable: true })
  description?: string;

  @Property({ type: 'integer' })
  durationMinutes!: number;

  /** Time after the service before the therapist and room are free again (整理 / 换床单). */
  @Property({ type: 'integer' })
  bufferMinutes: number = 0;

  /** List price in minor units (分). */
  @Property({ type: 'integer' })
  price!: number;

  /** The kind of room it needs (e.g. 理疗房, 美容房); null when it needs no room. */
  @Property({ length: 50, nullable: true })
  roomKind?: string;

  @Property()
  active: boolean = true;

  @ManyToMany(() => ContraindicationTag, undefined, { pivotEntity: () => ServiceItemContraindication })
  contraindications = new Collection<ContraindicationTag>(this);

  @Property({ version: true })
  version!: number;
}
