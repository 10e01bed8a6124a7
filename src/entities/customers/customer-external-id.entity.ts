import { Entity, Index, ManyToOne, OptionalProps, Property, type Ref, Unique } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { Customer } from './customer.entity';

/**
 * A customer's id in one integrated system (外部编号 of a POS, a mini program …), written by that
 * integration's API key. Two systems number independently, so the same value may name two customers
 * from two integrations (duplicate-customers.service.ts reports them), never two from one.
 * `Customer.externalId` stays the organization's own number (staff, the import's 会员卡号, keys from
 * before this table): the integration `legacy`.
 */
@Entity()
@Unique({
  name: 'customer_external_id_integration_unique',
  properties: ['organization', 'integration', 'externalId'],
})
// SAME_EXTERNAL_ID pairs join on the value alone.
@Index({ properties: ['organization', 'externalId'] })
@Index({ properties: ['customer'] })
export class CustomerExternalId extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @ManyToOne(() => Customer, { ref: true, deleteRule: 'cascade' })
  customer!: Ref<Customer>;

  /** The integration: its API key's name, so a rotated key (same name) keeps its ids. */
  @Property({ length: 100 })
  integration!: string;

  @Property({ length: 100 })
  externalId!: string;
}
