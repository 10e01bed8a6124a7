import type { Role } from '../entities/enums';

/** Who is asking: a staff user (JWT) or an integration (API key). */
export interface Viewer {
  kind: 'USER' | 'API_KEY';
  /** User id or API key id. */
  id: string;
  organizationId: string;
  role: Role;
  displayName: string;
  userId?: string;
  apiKeyId?: string;
  scopes: string[];
}
