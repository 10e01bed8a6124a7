import { Entity, ManyToOne, PrimaryKeyProp } from '@mikro-orm/core';
import { ContraindicationTag } from './contraindication-tag.entity';
import type { ServiceItem } from './service-item.entity';

/**
 * Pivot between services and their contraindication tags, declared only for its delete rules
 * (Migration20261122190000_catalogue_management): deleting a service drops its rows, but a tag a
 * service still carries cannot be deleted (`restrict`; the service answers CONFLICT IN_USE first).
 * A generated pivot would give both sides the same rule.
 */
@Entity({ tableName: 'service_item_contraindication' })
export class ServiceItemContraindication {
  @ManyToOne({ entity: 'ServiceItem', primary: true, deleteRule: 'cascade' })
  serviceItem!: ServiceItem;

  @ManyToOne({ entity: () => ContraindicationTag, primary: true, deleteRule: 'restrict' })
  contraindicationTag!: ContraindicationTag;

  [PrimaryKeyProp]?: ['serviceItem', 'contraindicationTag'];
}
