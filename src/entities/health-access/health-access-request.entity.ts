import { Check, Entity, Enum, Index, ManyToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { Customer } from '../customers/customer.entity';
import { Store } from '../organization/store.entity';
import { User } from '../staff/user.entity';
import { TextArrayType } from '../text-array.type';
import { HealthAccessSection } from '../../core/health-access';
import { HealthAccessKind, HealthAccessStatus } from './health-access.enums';

const SECTIONS = `array[${Object.values(HealthAccessSection)
  .map((section) => `'${section}'`)
  .join(', ')}]::text[]`;

/**
 * 档案查阅审批: a staff member's request to read parts of one customer's health record beyond their
 * role, and once approved the grant itself (approvedAt .. expiresAt, unless revoked). Break-glass rows
 * are approved at creation for the SAFETY part and reviewed afterwards through a care task.
 */
@Entity()
@Check({
  name: 'health_access_request_sections_check',
  expression: `cardinality(requested_sections) > 0 and requested_sections <@ ${SECTIONS} and (granted_sections is null or granted_sections <@ requested_sections)`,
})
@Check({
  name: 'health_access_request_grant_check',
  expression: `(status = 'APPROVED' or status = 'REVOKED') = (approved_at is not null and expires_at is not null and cardinality(granted_sections) > 0) and (expires_at is null or (expires_at > approved_at and expires_at <= approved_at + '08:00:00'::interval))`,
})
@Check({
  name: 'health_access_request_decided_check',
  expression: `(status = 'PENDING') = (decided_at is null) and (status <> 'REVOKED' or revoked_at is not null)`,
})
// One pending request per requester and customer: a second would only split the approver's attention.
@Index({
  name: 'health_access_request_pending_unique',
  expression: `create unique index health_access_request_pending_unique on health_access_request (organization_id, requester_id, customer_id) where status = 'PENDING'`,
})
@Index({ properties: ['organization', 'requester', 'status', 'expiresAt'] })
@Index({ properties: ['organization', 'customer', 'createdAt'] })
@Index({ properties: ['organization', 'status', 'createdAt'] })
export class HealthAccessRequest extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'version' | 'status';

  @ManyToOne(() => Customer, { ref: true })
  customer!: Ref<Customer>;

  @ManyToOne(() => User, { ref: true })
  requester!: Ref<User>;

  /** The customer's store when asked (home store, else the last visit's): whose manager decides. */
  @ManyToOne(() => Store, { ref: true, nullable: true, deleteRule: 'set null' })
  store?: Ref<Store>;

  @Enum({ items: () => HealthAccessKind, nativeEnumName: 'health_access_kind' })
  kind!: HealthAccessKind;

  @Enum({ items: () => HealthAccessStatus, nativeEnumName: 'health_access_status' })
  status: HealthAccessStatus = HealthAccessStatus.PENDING;

  @Property({ type: TextArrayType, columnType: 'text[]' })
  requestedSections!: HealthAccessSection[];

  /** Why the requester needs it (for break-glass: the emergency). Never health data itself. */
  @Property({ type: 'text' })
  reason!: string;

  /** A subset of the requested sections, chosen by the approver. */
  @Property({ type: TextArrayType, columnType: 'text[]', nullable: true })
  grantedSections?: HealthAccessSection[];

  @ManyToOne(() => User, { ref: true, nullable: true })
  decidedBy?: Ref<User>;

  @Property({ type: 'timestamptz', nullable: true })
  decidedAt?: Date;

  /** A refusal's or revocation's reason. */
  @Property({ type: 'text', nullable: true })
  decisionNote?: string;

  @Property({ type: 'timestamptz', nullable: true })
  approvedAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date;

  @Property({ version: true })
  version!: number;
}
