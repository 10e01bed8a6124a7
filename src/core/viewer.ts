import type { Role } from '../entities/access/access.enums';

/** Who is asking: a staff user (JWT) or an integration (API key). */
export interface Viewer {
  /** SYSTEM: a scheduled job (see core/system-viewer.ts), never a request. */
  kind: 'USER' | 'API_KEY' | 'SYSTEM';
  /** User id or API key id. */
  id: string;
  organizationId: string;
  role: Role;
  displayName: string;
  userId?: string;
  apiKeyId?: string;
  scopes: string[];
  /** An API key's own query cost budget per minute, when it has one (else the configured default). */
  rateLimitPerMinute?: number;
}
