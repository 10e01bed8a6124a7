import { CustomerStatus } from '../../entities/customers/customers.enums';

const DAY = 24 * 60 * 60 * 1000;

export interface StatusThresholds {
  dormantAfterDays: number;
  lostAfterDays: number;
}

/**
 * ACTIVE 活跃 / DORMANT 休眠 / LOST 流失 from the time since the last visit (or since the record was
 * created, for a customer who never came), unless staff overrode it.
 */
export function deriveStatus(
  customer: { statusOverride?: CustomerStatus | null; lastVisitAt?: Date | null; createdAt: Date },
  thresholds: StatusThresholds,
  now = new Date(),
): CustomerStatus {
  if (customer.statusOverride) return customer.statusOverride;
  const since = customer.lastVisitAt ?? customer.createdAt;
  const days = (now.getTime() - since.getTime()) / DAY;
  if (days >= thresholds.lostAfterDays) return CustomerStatus.LOST;
  if (days >= thresholds.dormantAfterDays) return CustomerStatus.DORMANT;
  return CustomerStatus.ACTIVE;
}

/** The time boundaries a status filter compares `coalesce(last_visit_at, created_at)` with. */
export function statusBoundaries(thresholds: StatusThresholds, now = new Date()) {
  return {
    dormantSince: new Date(now.getTime() - thresholds.dormantAfterDays * DAY),
    lostSince: new Date(now.getTime() - thresholds.lostAfterDays * DAY),
  };
}
