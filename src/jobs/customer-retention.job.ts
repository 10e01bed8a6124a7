import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from '../entities';
import { ORGANIZATION_FILTER } from '../mikro-orm.config';
import { eraseByRetentionRule } from '../services/customers/customer-erasure-retention';
import { forOrganization } from '../services/tenancy';

/**
 * 保留期限: in every organization whose rule is on (`eraseLostCustomersAfterYears`, off by default),
 * erases the LOST customers without a visit for that many years. One organization's failures are
 * reported and the others still run; the run then fails, so pg-boss retries it and shows it.
 * Returns the customers erased per organization.
 */
export async function runCustomerRetention(
  em: EntityManager,
  onError: (organizationId: string, customerId: string, error: unknown) => void = () => {},
): Promise<Record<string, number>> {
  const organizations = await em.find(
    Organization,
    { eraseLostCustomersAfterYears: { $ne: null } },
    { fields: ['id', 'eraseLostCustomersAfterYears'], orderBy: { id: 'asc' }, filters: false },
  );
  const erased: Record<string, number> = {};
  let failures = 0;
  for (const { id, eraseLostCustomersAfterYears: years } of organizations) {
    // Each organization in its own fork and tenancy scope, like a request of that organization: row-level
    // security keeps its erasures within it (the list above is the one statement across organizations).
    const scoped = em.fork();
    scoped.setFilterParams(ORGANIZATION_FILTER, { id });
    erased[id] = await forOrganization(id, () =>
      eraseByRetentionRule(scoped, id, years!, (customerId, error) => {
        failures++;
        onError(id, customerId, error);
      }),
    );
  }
  if (failures > 0) throw new Error(`customer retention: ${failures} erasures failed (logged)`);
  return erased;
}
