import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, CONSULTANT, THERAPIST, AUDITOR } = Role;

/**
 * 档案查阅审批 and break-glass. Who may ask is narrowed further by the service (core/health-access.ts
 * REQUESTABLE_SECTIONS); who decides: OWNER and MANAGER, never for their own request. The objects name
 * ids, sections and times, never health data.
 */
export const healthAccessPolicy: PolicyMap = {
  Query: {
    pendingHealthAccessRequests: grant.roles(OWNER, MANAGER),
    myHealthAccessRequests: grant.roles(CONSULTANT, THERAPIST),
    healthAccessGrants: grant.roles(OWNER, MANAGER, AUDITOR),
  },
  Mutation: {
    requestHealthAccess: grant.roles(CONSULTANT, THERAPIST),
    withdrawHealthAccessRequest: grant.roles(CONSULTANT, THERAPIST),
    approveHealthAccess: grant.roles(OWNER, MANAGER),
    refuseHealthAccess: grant.roles(OWNER, MANAGER),
    revokeHealthAccess: grant.roles(OWNER, MANAGER),
    breakGlassHealthAccess: grant.roles(THERAPIST, CONSULTANT),
  },
  Viewer: { activeHealthGrants: grant.authenticated() },
  AuditEvent: { grantId: grant.roles(OWNER, MANAGER, AUDITOR) },
  HealthAccessRequest: fieldsOf(
    [
      'id',
      'customerId',
      'requesterId',
      'storeId',
      'kind',
      'status',
      'requestedSections',
      'reason',
      'grantedSections',
      'decidedById',
      'decidedAt',
      'decisionNote',
      'approvedAt',
      'expiresAt',
      'revokedAt',
      'active',
      'createdAt',
      'version',
    ],
    grant.authenticated(),
  ),
  HealthAccessGrant: fieldsOf(['id', 'customerId', 'kind', 'sections', 'expiresAt'], grant.authenticated()),
};
