import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from '../entities';
import { ORGANIZATION_FILTER } from '../mikro-orm.config';
import { systemViewer } from '../core/system-viewer';
import { expireAllPoints } from '../services/membership/wallets';
import { forOrganization } from '../services/tenancy';

/** 积分到期: writes off lapsed points in every organization; returns points expired per organization. */
export async function expirePointsEverywhere(em: EntityManager): Promise<Record<string, number>> {
  const organizations = await em.find(
    Organization,
    {},
    { fields: ['id'], orderBy: { id: 'asc' }, filters: false },
  );
  const expired: Record<string, number> = {};
  for (const { id } of organizations) {
    // Each organization in its own fork and tenancy scope, like a request of that organization.
    const scoped = em.fork();
    scoped.setFilterParams(ORGANIZATION_FILTER, { id });
    expired[id] = await forOrganization(id, () => expireAllPoints(scoped, systemViewer(id)));
  }
  return expired;
}
