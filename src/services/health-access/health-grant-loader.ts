import type { EntityManager } from '@mikro-orm/postgresql';
import {
  mayHoldHealthGrants,
  type ActiveHealthGrant,
  type HealthAccessSection,
  type HealthGrantKind,
} from '../../core/health-access';
import type { Viewer } from '../../core/viewer';
import { runPrepared } from '../sql';

/** Told which grant a health read of a customer rested on (the audit row carries it). */
export type GrantUseListener = (customerId: string, grant: ActiveHealthGrant) => void;

/**
 * The viewer's grants in force, read at most once per request (one statement) and only when a rule
 * asks: a role that reads health by role alone (OWNER, MANAGER) or may never hold a grant costs
 * nothing. A grant ends by itself: `expires_at > now()` in the statement, and the rule compares
 * `expiresAt` with the request's clock again. Built per request, never shared.
 */
export class HealthGrantLoader {
  private grants?: Promise<readonly ActiveHealthGrant[]>;
  private readonly listeners: GrantUseListener[] = [];
  /** The request's clock: a grant that expires during the request ends for all of it. */
  readonly now = new Date();

  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer | null,
  ) {}

  active(): Promise<readonly ActiveHealthGrant[]> {
    const viewer = this.viewer;
    if (!viewer?.userId || !mayHoldHealthGrants(viewer.role)) return Promise.resolve([]);
    return (this.grants ??= this.load(viewer.organizationId, viewer.userId));
  }

  onUse(listener: GrantUseListener): void {
    this.listeners.push(listener);
  }

  /** A rule let a read through on `grant`. */
  used(customerId: string, grant: ActiveHealthGrant): void {
    for (const listener of this.listeners) listener(customerId, grant);
  }

  private async load(organizationId: string, userId: string): Promise<readonly ActiveHealthGrant[]> {
    const rows: {
      id: string;
      customer_id: string;
      kind: HealthGrantKind;
      granted_sections: HealthAccessSection[];
      expires_at: Date;
    }[] = await runPrepared(
      this.em,
      `select id, customer_id, kind, granted_sections, expires_at from health_access_request
        where organization_id = ? and requester_id = ? and status = 'APPROVED' and expires_at > now()`,
      [organizationId, userId],
    );
    return rows.map((row) => ({
      id: row.id,
      customerId: row.customer_id,
      kind: row.kind,
      sections: row.granted_sections,
      expiresAt: new Date(row.expires_at),
    }));
  }
}
