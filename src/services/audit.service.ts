import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../entities';
import { AuditAction } from '../entities/enums';
import type { Viewer } from '../server/viewer';

/**
 * Per-request audit trail. Reads of health fields are collected while the query executes and written
 * at the end as one INSERT (one row per customer). Changes are persisted into the same unit of work
 * as the change itself, so a rolled-back mutation leaves no audit row and a committed one always has it.
 */
export class AuditService {
  private readonly healthReads = new Map<string, Set<string>>();

  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer | null,
    private readonly requestId: string,
    private operationName?: string,
  ) {}

  setOperationName(name: string | undefined): void {
    this.operationName = name ?? undefined;
  }

  recordHealthRead(customerId: string, field: string): void {
    const fields = this.healthReads.get(customerId) ?? new Set<string>();
    fields.add(field);
    this.healthReads.set(customerId, fields);
  }

  /** `em` must be the EntityManager of the change's transaction, so both commit or roll back together. */
  recordChange(
    em: EntityManager,
    action: AuditAction,
    entityType: string,
    entityId: string | undefined,
    customerId: string | undefined,
    fields: string[],
  ): void {
    if (!this.viewer) return;
    em.persist(em.create(AuditEvent, { ...this.actor(), action, entityType, entityId, customerId, fields }));
  }

  /** Writes the collected health reads in one statement; called once when the response is ready. */
  async flushReads(): Promise<number> {
    if (!this.viewer || this.healthReads.size === 0) return 0;
    const rows = [...this.healthReads].map(([customerId, fields]) => ({
      ...this.actor(),
      action: AuditAction.READ,
      entityType: 'HealthProfile',
      customerId,
      fields: [...fields].sort(),
      occurredAt: new Date(),
    }));
    this.healthReads.clear();
    await this.em.insertMany(AuditEvent, rows);
    return rows.length;
  }

  private actor() {
    const viewer = this.viewer!;
    return {
      organizationId: viewer.organizationId,
      actorUserId: viewer.userId,
      actorApiKeyId: viewer.apiKeyId,
      role: viewer.role,
      operationName: this.operationName?.slice(0, 100),
      requestId: this.requestId,
    };
  }
}
