import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerStatus } from '../../entities/customers/customers.enums';
import { statusBoundaries } from '../customers/customer-status';
import { runPrepared } from '../sql';
import { REPORT_PLAN, type ReportScope } from './report-scope';

/** 客户活跃度: the live customers by status now, and the share of them lost (流失率). */
export interface CustomerActivity {
  total: number;
  active: number;
  dormant: number;
  lost: number;
  /** lost / total, 0 when there is no customer. */
  churnRate: number;
  /** The scope's store, for `transitions` (status-transitions.ts) to read the same customers. */
  storeId: string | null;
}

/**
 * The status of each customer as `deriveStatus` decides it (customers/customer-status.ts): the
 * override when staff set one, else the time since the last visit (or since the record was created)
 * against the organization's thresholds, as the boundaries `statusBoundaries` gives for now.
 */
export async function customerActivity(
  em: EntityManager,
  scope: ReportScope,
  now = new Date(),
): Promise<CustomerActivity> {
  const { dormantSince, lostSince } = statusBoundaries(scope.organization, now);
  const rows = await runPrepared<{ status: CustomerStatus; count: number }>(
    em,
    `select case when c.status_override is not null then c.status_override::text
         when coalesce(c.last_visit_at, c.created_at) <= ? then 'LOST'
         when coalesce(c.last_visit_at, c.created_at) <= ? then 'DORMANT'
         else 'ACTIVE' end as status, count(*)::int as count
     from customer c
     where c.organization_id = ? and c.archived_at is null and (?::uuid is null or c.home_store_id = ?)
     group by 1`,
    [lostSince, dormantSince, scope.organizationId, scope.storeId, scope.storeId],
    REPORT_PLAN,
  );
  const count = (status: CustomerStatus) => rows.find((row) => row.status === status)?.count ?? 0;
  const [active, dormant, lost] = [CustomerStatus.ACTIVE, CustomerStatus.DORMANT, CustomerStatus.LOST].map(
    count,
  );
  const total = active + dormant + lost;
  return {
    total,
    active,
    dormant,
    lost,
    churnRate: total ? Math.round((lost / total) * 10_000) / 10_000 : 0,
    storeId: scope.storeId,
  };
}
