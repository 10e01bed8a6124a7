import type { EntityManager, RequiredEntityData } from '@mikro-orm/postgresql';
import { AuditEvent } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { AuditReadWriter } from './audit-read-writer';
import type { Viewer } from '../../core/viewer';

/**
 * Per-request audit trail. Reads of health fields are collected while the query executes and written
 * at the end as one INSERT (one row per customer). Changes are persisted into the same unit of work
 * as the change itself, so a rolled-back mutation leaves no audit row and a committed one always has it.
 */
/**
 * Told how many audit rows were written (the /metrics counter); `change` rows once their transaction
 * commits. Every audit row goes through this service, so this one listener sees them all.
 */
export type AuditRowsListener = (kind: 'read' | 'change' | 'login', rows: number) => void;

/** A LOGIN or LOGIN_FAILED row: written before there is a viewer, so the caller names account and origin. */
export type LoginAuditRow = Omit<RequiredEntityData<AuditEvent>, 'fields'>;

/** One READ row to write: a customer's fields read in the request, and one grant they rested on. */
interface ReadRow {
  customer_id: string;
  fields: string[];
  grant_id: string | null;
  grant_kind: string | null;
}

export class AuditService {
  private readonly healthReads = new Map<string, Set<string>>();
  /**
   * Customers whose health a read of this request saw under access grants, with every grant used (by
   * id): a break-glass and an approval on the same customer in one request are both kept.
   */
  private readonly grantedReads = new Map<string, Map<string, string>>();
  private rowsWritten?: AuditRowsListener;

  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer | null,
    private readonly requestId: string,
    private readonly correlationId?: string,
    private operationName?: string,
  ) {}

  setOperationName(name: string | undefined): void {
    this.operationName = name ?? undefined;
  }

  onRowsWritten(listener: AuditRowsListener): void {
    this.rowsWritten = listener;
  }

  recordHealthRead(customerId: string, field: string): void {
    const fields = this.healthReads.get(customerId) ?? new Set<string>();
    fields.add(field);
    this.healthReads.set(customerId, fields);
  }

  /**
   * A policy let a health read of the customer through on an access grant: the customer's read rows
   * name the grant, one row per grant used, and a break-glass one says so in `reason`. One row per
   * grant rather than one row with the strongest grant: `grant_id` is one column and each grant's
   * review (a break-glass review above all) finds every read made under it.
   */
  recordGrantUse(customerId: string, grant: { id: string; kind: string }): void {
    const grants = this.grantedReads.get(customerId) ?? new Map<string, string>();
    grants.set(grant.id, grant.kind);
    this.grantedReads.set(customerId, grants);
  }

  /** `em` must be the EntityManager of the change's transaction, so both commit or roll back together. */
  recordChange(
    em: EntityManager,
    action: AuditAction,
    entityType: string,
    entityId: string | undefined,
    customerId: string | undefined,
    fields: string[],
    /** Why, when the action asks for it (an erasure's reason); never a changed value. */
    reason?: string,
  ): void {
    if (!this.viewer) return;
    em.persist(
      em.create(AuditEvent, { ...this.actor(), action, entityType, entityId, customerId, fields, reason }),
    );
    this.countOnCommit(em);
  }

  /**
   * Many change rows in one INSERT, in `em`'s transaction (a customer import writes thousands: built
   * as entities they cost more CPU than the import itself). Counted like recordChange's.
   */
  async recordChangesInBulk(
    em: EntityManager,
    changes: {
      action: AuditAction;
      entityType: string;
      entityId?: string;
      customerId?: string;
      fields: string[];
    }[],
  ): Promise<void> {
    if (!this.viewer || changes.length === 0) return;
    const actor = this.actor();
    await em.insertMany(
      AuditEvent,
      changes.map((change) => ({ ...actor, ...change, occurredAt: new Date() })),
    );
    this.countOnCommit(em, changes.length);
  }

  /**
   * The row is inserted by the flush of the change's transaction and kept only if it commits. A
   * transactional() fork has its own copy of the event manager, so this subscriber lives and dies with
   * that transaction. Elsewhere (the request's em, whose event manager is shared by the whole ORM, or a
   * nested transaction, whose commit is a savepoint) the row is counted when recorded.
   */
  private countOnCommit(em: EntityManager, rows = 1): void {
    const listener = this.rowsWritten;
    if (!listener) return;
    const ownTransaction =
      em.isInTransaction() &&
      em.getEventManager() !== this.em.getEventManager() &&
      !('savepointName' in (em.getTransactionContext() as object));
    if (ownTransaction)
      em.getEventManager().registerSubscriber({ afterTransactionCommit: () => listener('change', rows) });
    else listener('change', rows);
  }

  /**
   * Writes a login's row by flushing `em` (with whatever else the caller changed on it, e.g. the user's
   * last login) and counts it once written.
   */
  async writeLogin(em: EntityManager, row: LoginAuditRow): Promise<void> {
    em.persist(em.create(AuditEvent, { ...row, fields: [] }));
    await em.flush();
    this.rowsWritten?.('login', 1);
  }

  /**
   * Writes the collected health reads as one raw multi-row INSERT (one row per customer, or one per
   * grant used on the customer, each with all its fields read); called once when the response is
   * ready, before it is sent. Raw SQL: building entities for it cost more CPU
   * than the rest of a list page.
   */
  async flushReads(): Promise<number> {
    if (!this.viewer || this.healthReads.size === 0) return 0;
    const reads = [...this.healthReads].flatMap(([customerId, read]): ReadRow[] => {
      const fields = [...read].sort();
      const grants = [...(this.grantedReads.get(customerId) ?? [])];
      if (grants.length === 0) return [{ customer_id: customerId, fields, grant_id: null, grant_kind: null }];
      return grants.map(([id, kind]) => ({
        customer_id: customerId,
        fields,
        grant_id: id,
        grant_kind: kind,
      }));
    });
    this.healthReads.clear();
    this.grantedReads.clear();
    const actor = this.actor();
    // Written with the reads of requests finishing meanwhile (audit-read-writer.ts: group commit).
    await AuditReadWriter.of(this.em).write(
      this.em,
      actor.organizationId,
      reads.map((read) => ({
        organization_id: actor.organizationId,
        actor_user_id: actor.actorUserId ?? null,
        actor_api_key_id: actor.actorApiKeyId ?? null,
        role: actor.role,
        operation_name: actor.operationName ?? null,
        request_id: actor.requestId,
        correlation_id: actor.correlationId ?? null,
        ...read,
      })),
    );
    this.rowsWritten?.('read', reads.length);
    return reads.length;
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
      correlationId: this.correlationId,
    };
  }
}
