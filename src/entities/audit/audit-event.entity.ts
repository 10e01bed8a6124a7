import { Entity, Enum, Index, PrimaryKey, Property, OptionalProps, Check } from '@mikro-orm/core';
import { AuditAction } from './audit.enums';
import { Role } from '../access/access.enums';
import { TextArrayType } from '../text-array.type';

/**
 * Append-only audit log. A database trigger rejects UPDATE, DELETE and TRUNCATE, so not even the
 * application can rewrite history. Values of health fields are never stored, only their names.
 */
@Entity()
@Check({
  name: 'audit_event_actor_known',
  expression: `(organization_id is not null and role is not null) or action::text = 'LOGIN_FAILED'`,
})
@Index({ properties: ['organizationId', 'customerId', 'occurredAt'] })
export class AuditEvent {
  [OptionalProps]?: 'fields' | 'occurredAt';

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** Unset only for a failed login with an email no organization has (CHECK audit_event_actor_known). */
  @Property({ type: 'uuid', nullable: true })
  organizationId?: string;

  @Property({ type: 'uuid', nullable: true })
  actorUserId?: string;

  @Property({ type: 'uuid', nullable: true })
  actorApiKeyId?: string;

  /** The caller's role; for a login, the role of the account tried. Unset like organizationId. */
  @Enum({ items: () => Role, nativeEnumName: 'role', nullable: true })
  role?: Role;

  @Enum({ items: () => AuditAction, nativeEnumName: 'audit_action' })
  action!: AuditAction;

  /** The entity acted on, e.g. Customer, HealthProfile, Allergy. */
  @Property({ length: 50 })
  entityType!: string;

  @Property({ type: 'uuid', nullable: true })
  entityId?: string;

  @Property({ type: 'uuid', nullable: true })
  customerId?: string;

  @Property({ type: TextArrayType, columnType: 'text[]' })
  fields: string[] = [];

  @Property({ length: 100, nullable: true })
  operationName?: string;

  /** The server's own id of the request (x-request-id of its response). */
  @Property({ length: 64, nullable: true })
  requestId?: string;

  /** The id the client sent as x-request-id, if any: the client's to choose, so kept apart. */
  @Property({ length: 64, nullable: true })
  correlationId?: string;

  /** The client address of a login (as the server determines it, see TRUST_PROXY). */
  @Property({ columnType: 'inet', nullable: true })
  clientAddress?: string;

  /** Why a login failed: UNKNOWN_EMAIL, WRONG_PASSWORD, ACCOUNT_INACTIVE. */
  @Property({ length: 50, nullable: true })
  reason?: string;

  /** SHA-256 of the (normalized) email tried, when no account matched: the email itself is not kept. */
  @Property({ length: 64, nullable: true })
  emailHash?: string;

  /** The access grant (health_access_request) a health read rested on, when the role alone did not allow it. */
  @Property({ type: 'uuid', nullable: true })
  grantId?: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  occurredAt: Date = new Date();
}
