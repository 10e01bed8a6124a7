import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from '../entities';
import { systemViewer } from '../services/system-viewer';
import { expireAllPoints } from '../services/wallets';

/** 积分到期: writes off lapsed points in every organization; returns points expired per organization. */
export async function expirePointsEverywhere(em: EntityManager): Promise<Record<string, number>> {
  const organizations = await em.find(Organization, {}, { fields: ['id'], orderBy: { id: 'asc' } });
  const expired: Record<string, number> = {};
  for (const { id } of organizations) expired[id] = await expireAllPoints(em.fork(), systemViewer(id));
  return expired;
}
