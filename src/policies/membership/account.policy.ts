import { Role } from '../../entities/access/access.enums';
import { grant, STAFF_ROLES } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, AUDITOR } = Role;
const staff = grant.roles(...STAFF_ROLES);
const auditReaders = grant.roles(OWNER, MANAGER, AUDITOR);
const ownerOnly = grant.roles(OWNER);

export const accountPolicy: PolicyMap = {
  Query: {
    viewer: grant.authenticated(),
    organization: grant.authenticated(),
    stores: grant.authenticated(),
    staffMembers: staff,
    tags: grant.roles(...STAFF_ROLES.filter((role) => role !== AUDITOR), Role.INTEGRATION),
    auditEvents: auditReaders,
    apiKeys: ownerOnly,
  },
  Mutation: {
    login: grant.anyone(),
    createApiKey: ownerOnly,
    revokeApiKey: ownerOnly,
    updateCustomerStatusSettings: ownerOnly,
    updateStore: ownerOnly,
  },
  AuthPayload: fieldsOf(['token', 'expiresAt', 'role'], grant.anyone() as never),
  Viewer: fieldsOf(['id', 'kind', 'role', 'displayName', 'readableFields'], grant.authenticated() as never),
  FieldAccess: fieldsOf(['typeName', 'fieldName', 'condition'], grant.authenticated() as never),
  Organization: fieldsOf(
    ['id', 'name', 'timezone', 'currency', 'dormantAfterDays', 'lostAfterDays'],
    grant.authenticated() as never,
  ),
  Store: {
    ...fieldsOf(['id', 'name', 'code', 'timezone', 'address', 'phone'], grant.authenticated() as never),
    allowNegativeStock: grant.roles(OWNER, MANAGER, Role.FRONT_DESK),
  },
  StaffMember: {
    id: staff,
    displayName: staff,
    role: staff,
    active: staff,
    email: grant.roles(OWNER, MANAGER),
  },
  ApiKey: fieldsOf(
    [
      'id',
      'name',
      'prefix',
      'scopes',
      'expiresAt',
      'rateLimitPerMinute',
      'revokedAt',
      'lastUsedAt',
      'createdAt',
    ],
    ownerOnly,
  ),
  CreatedApiKey: fieldsOf(['apiKey', 'secret'], ownerOnly),
  AuditEvent: fieldsOf(
    [
      'id',
      'action',
      'role',
      'actorUserId',
      'actorApiKeyId',
      'entityType',
      'entityId',
      'customerId',
      'fields',
      'operationName',
      'requestId',
      'correlationId',
      'clientAddress',
      'reason',
      'occurredAt',
    ],
    auditReaders,
  ),
  AuditEventConnection: fieldsOf(['edges', 'pageInfo', 'totalCount'], auditReaders),
  AuditEventEdge: fieldsOf(['cursor', 'node'], auditReaders),
};
