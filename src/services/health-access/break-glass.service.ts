import type { EntityManager } from '@mikro-orm/postgresql';
import { CareTask, HealthAccessRequest } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { CarePurpose, CareTaskKind } from '../../entities/care/care.enums';
import { ContactChannel } from '../../entities/customers/customers.enums';
import { HealthAccessKind, HealthAccessStatus } from '../../entities/health-access/health-access.enums';
import { BREAK_GLASS_MINUTES, BREAK_GLASS_ROLES, HealthAccessSection } from '../../core/health-access';
import { ConflictError, ForbiddenError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { requiredText } from '../text-input';
import { inTransaction } from '../transaction';
import { runPrepared } from '../sql';
import { customerRelation, customerStoreId, refuseReadable } from './health-access-rules';

const REVIEW_WITHIN_HOURS = 24;
/** Break-glass is for the rare emergency: more than this per user in a rolling day is refused. */
export const BREAK_GLASS_PER_DAY = 3;

/**
 * Break-glass (紧急查阅): a therapist or consultant facing an emergency reads a customer's SAFETY part
 * (allergies, special conditions) at once, for BREAK_GLASS_MINUTES, with a reason. It is flagged in the
 * audit log (action BREAK_GLASS, and every read under it carries the grant and reason BREAK_GLASS)
 * and the store manager gets a care task to review it afterwards.
 */
export class BreakGlassService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  open(input: { customerId: string; reason: string }): Promise<HealthAccessRequest> {
    const requesterId = this.viewer.userId;
    if (!requesterId || !BREAK_GLASS_ROLES.includes(this.viewer.role))
      throw new ForbiddenError('Your role may not break the glass.');
    const reason = requiredText('reason', input.reason, 500);
    return inTransaction(this.em, async (em) => {
      const { customer, relation } = await customerRelation(em, this.viewer, input.customerId);
      refuseReadable(this.viewer, relation, [HealthAccessSection.SAFETY]);
      const now = new Date();
      const inForce = await em.count(HealthAccessRequest, {
        customer: customer.id,
        requester: requesterId,
        status: HealthAccessStatus.APPROVED,
        expiresAt: { $gt: now },
        grantedSections: { $contains: [HealthAccessSection.SAFETY] },
      });
      if (inForce > 0)
        throw new ConflictError('You hold a grant on the SAFETY part of this customer already.', {
          reason: 'ACCESS_REQUESTED',
        });
      await this.refuseOverLimit(em, requesterId);
      const storeId = await customerStoreId(em, customer);
      const grant = em.create(HealthAccessRequest, {
        organization: this.viewer.organizationId,
        customer,
        requester: requesterId,
        store: storeId,
        kind: HealthAccessKind.BREAK_GLASS,
        status: HealthAccessStatus.APPROVED,
        requestedSections: [HealthAccessSection.SAFETY],
        grantedSections: [HealthAccessSection.SAFETY],
        reason,
        decidedAt: now,
        approvedAt: now,
        expiresAt: new Date(now.getTime() + BREAK_GLASS_MINUTES * 60_000),
      });
      em.create(CareTask, {
        organization: this.viewer.organizationId,
        customer,
        store: storeId,
        kind: CareTaskKind.BREAK_GLASS_REVIEW,
        purpose: CarePurpose.SERVICE,
        // The reason stays on the grant: it may describe the emergency, the task list is seen widely.
        reason: `紧急查阅复核: ${this.viewer.displayName} 查阅了过敏与特殊状况 (${BREAK_GLASS_MINUTES}分钟)`,
        suggestedChannel: ContactChannel.OTHER,
        owner: await this.reviewer(em, storeId),
        availableFrom: now,
        dueAt: new Date(now.getTime() + REVIEW_WITHIN_HOURS * 3_600_000),
        dedupeKey: `BREAK_GLASS_REVIEW:${grant.id}`,
      });
      this.audit.recordChange(
        em,
        AuditAction.BREAK_GLASS,
        'HealthAccessRequest',
        grant.id,
        customer.id,
        [`grantedSections:${HealthAccessSection.SAFETY}`],
        'BREAK_GLASS',
      );
      return grant;
    });
  }

  /**
   * CONFLICT BREAK_GLASS_LIMIT once the user broke the glass BREAK_GLASS_PER_DAY times in the last 24
   * hours (revoked ones count: the glass was broken). Counted from the grants themselves; a
   * transaction-scoped lock per user makes two concurrent attempts count one after the other.
   */
  private async refuseOverLimit(em: EntityManager, requesterId: string): Promise<void> {
    await runPrepared(em, `select pg_advisory_xact_lock(hashtext('break-glass'), hashtext(?))`, [
      requesterId,
    ]);
    const [row] = await runPrepared<{ used: number; next_at: Date | null }>(
      em,
      `select count(*)::int as used, min(approved_at) + interval '24 hours' as next_at
         from health_access_request
        where requester_id = ? and kind = 'BREAK_GLASS' and approved_at > now() - interval '24 hours'`,
      [requesterId],
    );
    if (row.used >= BREAK_GLASS_PER_DAY)
      throw new ConflictError(
        `You broke the glass ${row.used} times in the last 24 hours (at most ${BREAK_GLASS_PER_DAY}): ask for an approval or the store manager.`,
        {
          reason: 'BREAK_GLASS_LIMIT',
          limit: BREAK_GLASS_PER_DAY,
          availableAt: new Date(row.next_at!).toISOString(),
        },
      );
  }

  /** The store's manager, else any manager, else the owner (as the care schedule picks). */
  private async reviewer(em: EntityManager, storeId: string | undefined): Promise<string | undefined> {
    const [row] = await runPrepared<{ id: string }>(
      em,
      `select u.id from app_user u
         left join user_store us on us.user_id = u.id and us.store_id = ?::uuid
        where u.organization_id = ? and u.active and u.role in ('MANAGER', 'OWNER')
        order by (u.role = 'MANAGER' and us.store_id is not null) desc, (u.role = 'MANAGER') desc,
                 u.created_at, u.id
        limit 1`,
      [storeId ?? null, this.viewer.organizationId],
    );
    return row?.id;
  }
}
