import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { HealthAccessRequest } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { HealthAccessKind, HealthAccessStatus } from '../../entities/health-access/health-access.enums';
import { REQUESTABLE_SECTIONS, type HealthAccessSection } from '../../core/health-access';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { requiredText } from '../text-input';
import { inTransaction } from '../transaction';
import { withUniqueConflicts } from '../constraint-errors';
import { customerRelation, customerStoreId, refuseReadable } from './health-access-rules';

const LIST_LIMIT = 100;

const ALREADY_REQUESTED = [
  {
    constraint: 'health_access_request_pending_unique',
    reason: 'ACCESS_REQUESTED' as const,
    message: 'You have a pending request for this customer already: withdraw it or wait for the decision.',
  },
];

/** 档案查阅审批, the requester's side: ask, take back, and see one's own requests. */
export class HealthAccessRequestService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  request(input: {
    customerId: string;
    sections: HealthAccessSection[];
    reason: string;
  }): Promise<HealthAccessRequest> {
    const requesterId = this.viewer.userId;
    const allowed = REQUESTABLE_SECTIONS[this.viewer.role];
    if (!requesterId || !allowed) throw new ForbiddenError('Your role may not ask for health access.');
    const sections = [...new Set(input.sections)];
    const refused = sections.filter((section) => !allowed.includes(section));
    if (sections.length === 0 || refused.length > 0)
      throw new BadInputError(
        'sections',
        'sections',
        sections.length === 0
          ? 'Name at least one section.'
          : `Your role may not ask for ${refused.join(', ')} (PRODUCT.md: ${this.viewer.role}).`,
      );
    const reason = requiredText('reason', input.reason, 500);
    return withUniqueConflicts(ALREADY_REQUESTED, () =>
      inTransaction(this.em, async (em) => {
        const { customer, relation } = await customerRelation(em, this.viewer, input.customerId);
        refuseReadable(this.viewer, relation, sections);
        const inForce = await em.count(HealthAccessRequest, {
          customer: customer.id,
          requester: requesterId,
          status: HealthAccessStatus.APPROVED,
          expiresAt: { $gt: new Date() },
        });
        if (inForce > 0)
          throw new ConflictError('You hold a grant on this customer already: it must end first.', {
            reason: 'ACCESS_REQUESTED',
          });
        const request = em.create(HealthAccessRequest, {
          organization: this.viewer.organizationId,
          customer,
          requester: requesterId,
          store: await customerStoreId(em, customer),
          kind: HealthAccessKind.APPROVAL,
          requestedSections: sections,
          reason,
        });
        this.audit.recordChange(em, AuditAction.CREATE, 'HealthAccessRequest', request.id, customer.id, [
          ...sections.map((section) => `requestedSections:${section}`),
        ]);
        await em.flush();
        return request;
      }),
    );
  }

  /** The requester takes a pending request back. */
  withdraw(requestId: string): Promise<HealthAccessRequest> {
    return inTransaction(this.em, async (em) => {
      const request = await em.findOne(
        HealthAccessRequest,
        { id: requestId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!request || request.requester.id !== this.viewer.userId)
        throw new NotFoundError('HealthAccessRequest', requestId);
      if (request.status !== HealthAccessStatus.PENDING)
        throw new ConflictError(`The request is ${request.status} already.`, { reason: 'ALREADY_DECIDED' });
      request.status = HealthAccessStatus.WITHDRAWN;
      request.decidedAt = new Date();
      this.audit.recordChange(
        em,
        AuditAction.UPDATE,
        'HealthAccessRequest',
        request.id,
        request.customer.id,
        ['status'],
      );
      return request;
    });
  }

  /** The viewer's own requests and grants, newest first (the latest 100). */
  mine(): Promise<HealthAccessRequest[]> {
    return this.em.find(
      HealthAccessRequest,
      { requester: this.viewer.userId ?? null },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: LIST_LIMIT },
    );
  }
}
