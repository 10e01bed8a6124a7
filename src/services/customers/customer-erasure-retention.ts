import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { ConflictError } from '../../core/errors';
import { systemViewer } from '../../core/system-viewer';
import type { Viewer } from '../../core/viewer';
import { AuditService } from '../audit/audit.service';
import { inTransaction } from '../transaction';
import { CustomerErasureService } from './customer-erasure.service';

/** The audit reason of a rule's erasure (at most 50 characters, like every erasure reason). */
export const retentionReason = (years: number) => `保留期限规则: 流失且${years}年未到店`;

/**
 * The customers the rule erases now: not erased, LOST (no override other than LOST) and without a
 * visit (or, never served, without a record change of their creation) for `years` years. A customer
 * who still holds stored value or unused punches is left: the salon owes them, and an erasure on their
 * own request settles that first. Merged records are no candidates: they go with their survivor.
 */
const CANDIDATES = `
  select c.id from customer c
   where c.organization_id = ? and c.erased_at is null and c.merged_into_id is null
     and (c.status_override is null or c.status_override = 'LOST')
     and coalesce(c.last_visit_at, c.created_at) < now() - make_interval(years => ?)
     and not exists (
       select 1 from account a
        where a.customer_id = c.id and a.kind in ('STORED_VALUE', 'PUNCH_CARD')
          and (a.principal > 0 or a.bonus > 0 or (a.units > 0 and (a.valid_until is null or a.valid_until > now()))))
   order by c.id`;

/** Reads and sets the organization's rule (OWNER). */
export class CustomerRetentionService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async get(): Promise<{ eraseLostCustomersAfterYears: number | null }> {
    const organization = await this.em.findOneOrFail(Organization, { id: this.viewer.organizationId });
    return { eraseLostCustomersAfterYears: organization.eraseLostCustomersAfterYears ?? null };
  }

  set(years: number | null): Promise<{ eraseLostCustomersAfterYears: number | null }> {
    return inTransaction(this.em, async (em) => {
      const organization = await em.findOneOrFail(Organization, { id: this.viewer.organizationId });
      organization.eraseLostCustomersAfterYears = years ?? undefined;
      this.audit.recordChange(em, AuditAction.UPDATE, 'Organization', organization.id, undefined, [
        'eraseLostCustomersAfterYears',
      ]);
      return { eraseLostCustomersAfterYears: years };
    });
  }
}

/**
 * The retention rule in one organization (`em` scoped to it): each candidate is erased in its own
 * transaction as the system viewer (audit: role OWNER, no actor, `retentionRule`, the rule as the
 * reason). Safe to run twice at once: an erased customer is no candidate, and a second erasure of the
 * same one waits for the first's row lock, then finds it erased (CONFLICT ERASED, reported).
 * Returns how many customers it erased.
 */
export async function eraseByRetentionRule(
  em: EntityManager,
  organizationId: string,
  years: number,
  onError: (customerId: string, error: unknown) => void,
): Promise<number> {
  const viewer = systemViewer(organizationId);
  const candidates = await em
    .getConnection()
    .execute<{ id: string }[]>(CANDIDATES, [organizationId, years], 'all');
  let erased = 0;
  for (const candidate of candidates) {
    const fork = em.fork();
    const audit = new AuditService(fork, viewer, 'customer-retention');
    try {
      await new CustomerErasureService(fork, viewer, audit).eraseByRule(candidate.id, retentionReason(years));
      erased++;
    } catch (error) {
      // Erased meanwhile (a second run, an owner's erasure): done, not a failure.
      if (error instanceof ConflictError && error.details.reason === 'ERASED') continue;
      onError(candidate.id, error);
    }
  }
  return erased;
}
