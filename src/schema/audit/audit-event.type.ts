import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../connection.type';
import { AuditAction, Role } from '../enums.type';

@ObjectType('AuditEvent', {
  description: 'An append-only audit record: who read or changed what, never the values.',
})
export class AuditEventType {
  @Field(() => ID)
  id!: string;

  @Field(() => AuditAction)
  action!: AuditAction;

  @Field(() => Role)
  role!: Role;

  @Field(() => ID, { nullable: true })
  actorUserId?: string;

  @Field(() => ID, { nullable: true })
  actorApiKeyId?: string;

  @Field()
  entityType!: string;

  @Field(() => ID, { nullable: true })
  entityId?: string;

  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field(() => [String], { description: 'Names of the fields read or changed.' })
  fields!: string[];

  @Field({ nullable: true })
  operationName?: string;

  @Field({ nullable: true, description: "The server's own id of the request (its x-request-id header)." })
  requestId?: string;

  @Field({
    nullable: true,
    description: "The client's x-request-id, when it sent one (a POS receipt number …): its correlation id.",
  })
  correlationId?: string;

  @Field({ nullable: true, description: 'Client address of a login or failed login.' })
  clientAddress?: string;

  @Field({
    nullable: true,
    description:
      'Why a login failed: WRONG_PASSWORD, ACCOUNT_INACTIVE (entityId is the account tried); BREAK_GLASS on a break-glass and the health reads under it.',
  })
  reason?: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'The health access grant (HealthAccessRequest) a health read rested on; reason BREAK_GLASS when it was a break-glass.',
  })
  grantId?: string;

  @Field()
  occurredAt!: Date;
}

@ObjectType()
export class AuditEventConnection extends Connection('AuditEvent', AuditEventType) {}
