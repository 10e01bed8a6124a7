import { Role } from '../entities/access/access.enums';
import type { Viewer } from './viewer';

/** The scheduled jobs act as this viewer: entries they post name no user and no API key. */
export function systemViewer(organizationId: string): Viewer {
  return {
    kind: 'SYSTEM',
    id: 'system',
    organizationId,
    role: Role.OWNER,
    displayName: '定时任务',
    scopes: [],
  };
}
