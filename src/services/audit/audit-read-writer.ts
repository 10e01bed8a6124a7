import type { EntityManager } from '@mikro-orm/postgresql';
import { runPrepared } from '../sql';

/** One health-read audit row with everything it names (actor, request, customer, fields, grant). */
export interface AuditReadRow {
  organization_id: string;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  role: string;
  operation_name: string | null;
  request_id: string;
  correlation_id: string | null;
  customer_id: string;
  fields: string[];
  grant_id: string | null;
  grant_kind: string | null;
}

interface Waiting {
  rows: AuditReadRow[];
  written: () => void;
  failed: (error: unknown) => void;
}

/** Rows of at most this many requests go into one INSERT. */
const REQUESTS_PER_INSERT = 64;

/**
 * Group commit of the health-read audit rows: while one request's INSERT is on its way, the rows of
 * the requests that finish meanwhile wait and go together in the next one. Each request still
 * answers only once its own rows are committed (its promise), so "written before the response is
 * sent" holds; an idle server writes each request's rows at once, without waiting. Under load, ten
 * concurrent list pages paid ten INSERTs and ten WAL flushes, now a few. One queue per organization:
 * the INSERT runs in the tenancy scope (row-level security) of a request of that organization.
 * Nothing is cached or shared but the queue of rows still to write.
 */
export class AuditReadWriter {
  private static readonly writers = new WeakMap<object, AuditReadWriter>();
  private readonly queues = new Map<string, Waiting[]>();

  /** The writer of the database the request's EntityManager talks to (one per process and pool). */
  static of(em: EntityManager): AuditReadWriter {
    const pool = em.getConnection();
    let writer = AuditReadWriter.writers.get(pool);
    if (!writer) AuditReadWriter.writers.set(pool, (writer = new AuditReadWriter()));
    return writer;
  }

  /** Resolves once the rows are committed; rejects with the INSERT's error (the whole batch failed). */
  write(em: EntityManager, organizationId: string, rows: AuditReadRow[]): Promise<void> {
    return new Promise((written, failed) => {
      const queue = this.queues.get(organizationId);
      if (queue) {
        queue.push({ rows, written, failed });
        return;
      }
      this.queues.set(organizationId, []);
      void this.drain(em, organizationId, [{ rows, written, failed }]);
    });
  }

  private async drain(em: EntityManager, organizationId: string, first: Waiting[]): Promise<void> {
    let batch = first;
    while (batch.length > 0) {
      try {
        await insertReads(
          em,
          batch.flatMap((waiting) => waiting.rows),
        );
        for (const waiting of batch) waiting.written();
      } catch (error) {
        for (const waiting of batch) waiting.failed(error);
      }
      const queue = this.queues.get(organizationId)!;
      batch = queue.splice(0, REQUESTS_PER_INSERT);
    }
    this.queues.delete(organizationId);
  }
}

async function insertReads(em: EntityManager, rows: AuditReadRow[]): Promise<void> {
  await runPrepared(
    em,
    `insert into "audit_event" (organization_id, actor_user_id, actor_api_key_id, role, action, entity_type,
                              customer_id, fields, operation_name, request_id, correlation_id, occurred_at,
                              grant_id, reason)
     select r.organization_id, r.actor_user_id, r.actor_api_key_id, r.role, 'READ', 'HealthProfile',
            r.customer_id, r.fields, r.operation_name, r.request_id, r.correlation_id, now(), r.grant_id,
            nullif(r.grant_kind, 'APPROVAL')
       from jsonb_to_recordset(?::jsonb) as r(organization_id uuid, actor_user_id uuid, actor_api_key_id uuid,
            role "role", customer_id uuid, fields text[], operation_name varchar(100), request_id varchar(64),
            correlation_id varchar(64), grant_id uuid, grant_kind text)`,
    [JSON.stringify(rows)],
  );
}
