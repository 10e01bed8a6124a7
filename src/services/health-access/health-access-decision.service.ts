import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { HealthAccessRequest, User } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { Role } from '../../entities/access/access.enums';
import { HealthAccessStatus } from '../../entities/health-access/health-access.enums';
import { MAX_GRANT_MINUTES, type HealthAccessSection } from '../../core/health-access';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { requiredText } from '../text-input';
import { inTransaction } from '../transaction';
import { assertVersion } from '../constraint-errors';
import { runPrepared } from '../sql';
import { PENDING_HOURS } from './health-access-rules';

const LIST_LIMIT = 100;
const HOUR = 3_600_000;

/**
 * 档案查阅审批, the approver's side (OWNER, or a MANAGER of the customer's store). A request with no
 * store (the customer has no home store and no visit) is decided by the OWNER or a MANAGER linked to
 * no store: a manager linked to stores answers for those stores only, not for every store-less customer.
 */
export class HealthAccessDecisionService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  approve(input: {
    requestId: string;
    sections: HealthAccessSection[];
    durationMinutes: number;
    expectedVersion: number;
  }): Promise<HealthAccessRequest> {
    return this.decide(input.requestId, input.expectedVersion, (request, now) => {
      const sections = [...new Set(input.sections)];
      const extra = sections.filter((section) => !request.requestedSections.includes(section));
      if (sections.length === 0 || extra.length > 0)
        throw new BadInputError(
          'sections',
          'sections',
          sections.length === 0
            ? 'Grant at least one section, or refuse the request.'
            : `${extra.join(', ')} were not requested: grant a part of ${request.requestedSections.join(', ')}.`,
        );
      if (
        !Number.isInteger(input.durationMinutes) ||
        input.durationMinutes < 1 ||
        input.durationMinutes > MAX_GRANT_MINUTES
      )
        throw new BadInputError(
          'durationMinutes',
          'range',
          `durationMinutes must be 1–${MAX_GRANT_MINUTES} (8 hours at most).`,
        );
      request.status = HealthAccessStatus.APPROVED;
      request.grantedSections = sections;
      request.approvedAt = now;
      request.expiresAt = new Date(now.getTime() + input.durationMinutes * 60_000);
      return ['status', ...sections.map((section) => `grantedSections:${section}`), 'expiresAt'];
    });
  }

  refuse(input: { requestId: string; reason: string }): Promise<HealthAccessRequest> {
    const reason = requiredText('reason', input.reason, 500);
    return this.decide(input.requestId, undefined, (request) => {
      request.status = HealthAccessStatus.REFUSED;
      request.decisionNote = reason;
      return ['status', 'decisionNote'];
    });
  }

  /** Ends a grant in force early (an approval or a break-glass). */
  revoke(input: { requestId: string; reason: string }): Promise<HealthAccessRequest> {
    const reason = requiredText('reason', input.reason, 500);
    return inTransaction(this.em, async (em) => {
      const request = await this.lockForDecision(em, input.requestId);
      const now = new Date();
      if (request.status !== HealthAccessStatus.APPROVED)
        throw new ConflictError(`The request is ${request.status}, not a grant in force.`, {
          reason: 'ALREADY_DECIDED',
        });
      if (request.expiresAt! <= now)
        throw new ConflictError('The grant has ended already.', { reason: 'ACCESS_EXPIRED' });
      request.status = HealthAccessStatus.REVOKED;
      request.revokedAt = now;
      request.decisionNote = reason;
      this.audit.recordChange(
        em,
        AuditAction.UPDATE,
        'HealthAccessRequest',
        request.id,
        request.customer.id,
        ['status', 'revokedAt'],
      );
      return request;
    });
  }

  /** Undecided requests the viewer may decide, oldest first (the first 100). */
  async pending(): Promise<HealthAccessRequest[]> {
    const stores = await this.managedStores(this.em);
    return this.em.find(
      HealthAccessRequest,
      {
        status: HealthAccessStatus.PENDING,
        createdAt: { $gt: new Date(Date.now() - PENDING_HOURS * HOUR) },
        ...(stores ? { store: { $in: stores } } : {}),
      },
      { orderBy: { createdAt: 'asc', id: 'asc' }, limit: LIST_LIMIT },
    );
  }

  /** Grants on a customer (in force, ended or revoked), newest first. */
  grantsOn(customerId: string): Promise<HealthAccessRequest[]> {
    return this.em.find(
      HealthAccessRequest,
      { customer: customerId, status: { $in: [HealthAccessStatus.APPROVED, HealthAccessStatus.REVOKED] } },
      { orderBy: { approvedAt: 'desc', id: 'desc' }, limit: LIST_LIMIT },
    );
  }

  private decide(
    requestId: string,
    expectedVersion: number | undefined,
    apply: (request: HealthAccessRequest, now: Date) => string[],
  ): Promise<HealthAccessRequest> {
    return inTransaction(this.em, async (em) => {
      const request = await this.lockForDecision(em, requestId);
      assertVersion('The request', request.version, expectedVersion);
      if (request.status !== HealthAccessStatus.PENDING)
        throw new ConflictError(`The request is ${request.status} already.`, { reason: 'ALREADY_DECIDED' });
      const now = new Date();
      if (request.createdAt.getTime() <= now.getTime() - PENDING_HOURS * HOUR)
        throw new ConflictError(`The request was pending for more than ${PENDING_HOURS} hours: ask again.`, {
          reason: 'ACCESS_EXPIRED',
        });
      const fields = apply(request, now);
      request.decidedAt = now;
      request.decidedBy = em.getReference(User, this.viewer.userId!, { wrapped: true });
      this.audit.recordChange(
        em,
        AuditAction.UPDATE,
        'HealthAccessRequest',
        request.id,
        request.customer.id,
        fields,
      );
      return request;
    });
  }

  /**
   * The request, locked; NOT_FOUND outside the organization (the ORM filter), FORBIDDEN for one's own
   * request (nobody approves themselves), for a manager of another store, and for a store-linked
   * manager on a request with no store.
   */
  private async lockForDecision(em: EntityManager, requestId: string): Promise<HealthAccessRequest> {
    const request = await em.findOne(
      HealthAccessRequest,
      { id: requestId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!request) throw new NotFoundError('HealthAccessRequest', requestId);
    if (!this.viewer.userId || request.requester.id === this.viewer.userId)
      throw new ForbiddenError('Nobody decides their own health access request.');
    const stores = await this.managedStores(em);
    if (stores && (!request.store || !stores.includes(request.store.id)))
      throw new ForbiddenError("Only a manager of the customer's store, or the owner, decides this request.");
    return request;
  }

  /** A MANAGER linked to stores decides for those; one linked to none (and the OWNER) for all. */
  private async managedStores(em: EntityManager): Promise<string[] | undefined> {
    if (this.viewer.role !== Role.MANAGER || !this.viewer.userId) return undefined;
    const rows = await runPrepared<{ store_id: string }>(
      em,
      'select store_id from user_store where user_id = ?',
      [this.viewer.userId],
    );
    return rows.length > 0 ? rows.map((row) => row.store_id) : undefined;
  }
}
