import type { HealthAccessRequest } from '../../entities';
import { HealthAccessStatus } from '../../entities/health-access/health-access.enums';
import type { HealthAccessRequestType } from '../../schema/health-access/health-access.type';

/** The GraphQL shape of a request: references as ids, and whether it is a grant in force now. */
export function requestView(request: HealthAccessRequest, now = new Date()): HealthAccessRequestType {
  return {
    id: request.id,
    customerId: request.customer.id,
    requesterId: request.requester.id,
    storeId: request.store?.id,
    kind: request.kind,
    status: request.status,
    requestedSections: request.requestedSections,
    reason: request.reason,
    grantedSections: request.grantedSections ?? undefined,
    decidedById: request.decidedBy?.id,
    decidedAt: request.decidedAt,
    decisionNote: request.decisionNote,
    approvedAt: request.approvedAt,
    expiresAt: request.expiresAt,
    revokedAt: request.revokedAt,
    active:
      request.status === HealthAccessStatus.APPROVED &&
      request.expiresAt !== undefined &&
      request.expiresAt > now,
    createdAt: request.createdAt,
    version: request.version,
  };
}
