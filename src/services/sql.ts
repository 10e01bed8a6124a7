import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

interface PgClient {
  query(config: {
    name?: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: Record<string, unknown>[] }>;
}

interface Statement {
  /** Unset past MAX_NAMED texts: such a statement is sent unnamed (parsed each time, nothing kept). */
  name?: string;
  text: string;
}

/**
 * Texts vary only by shape (which filters, which nested parts), a few hundred at most; past this a
 * client is varying them on purpose, and neither this process nor PostgreSQL keeps more plans.
 */
const MAX_NAMED = 1_000;

/** `?` placeholders → `$n`, and a name per distinct text: the read path sends a finite set of texts. */
const statements = new Map<string, Statement>();

/** Every `?` is a placeholder: the statements of the read path have none in literals or operators. */
function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

function prepared(sql: string): Statement {
  const known = statements.get(sql);
  if (known) return known;
  const text = numbered(sql);
  if (statements.size >= MAX_NAMED) return { text };
  const statement = { name: `read_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text };
  statements.set(sql, statement);
  return statement;
}

/**
 * A statement of the read path (and the health-read audit INSERT) as a named prepared statement on a
 * connection of the ORM's pool (same role, same type parsers); inside a transaction, on its connection. `em.getConnection().execute` inlines every value into the
 * text (MikroORM formats the query, then knex again): CPU on every call, and PostgreSQL parsed and
 * planned each text anew. Values are bound, never inlined. The statement is announced like every
 * knex query (statement counters and query logs see it); a driver error is converted like the ORM's.
 */
/**
 * Where a read-path statement binds the viewer's organization (`organization_id = ${ORGANIZATION_PARAMETER}`):
 * a sub-select, which PostgreSQL plans as an InitPlan whose value no plan looks at, like row-level
 * security's own `app_organization_id()`. Bound as a plain `?`, a custom plan estimated rows by the
 * organization's share of the table and the generic plan by an average one; the two never agreed, so
 * PostgreSQL kept planning the list page anew on every call (1.1 of its 4 ms). Opaque, both estimate
 * alike and after five runs the generic plan is kept.
 */
export const ORGANIZATION_PARAMETER = '(select ?::uuid)';

/** Escapes LIKE wildcards in user input (PostgreSQL's default escape character is the backslash). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** How many texts have a name (for tests). */
export function namedStatementCount(): number {
  return statements.size;
}

export async function runPrepared<R = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  values: unknown[],
  options: { plan?: 'cached' | 'per-call' } = {},
): Promise<R[]> {
  const connection = em.getConnection();
  // Inside a transaction the statement belongs to it, on its connection: another one from the pool
  // neither sees the transaction's writes nor is sure to come (every connection may be held by a
  // transaction waiting for this one; 32 concurrent health writes by therapists hung).
  if (em.isInTransaction()) return connection.execute<R[]>(sql, values, 'all', em.getTransactionContext());
  const client = connection.getKnex().client as {
    acquireConnection(): Promise<PgClient>;
    releaseConnection(pg: PgClient): Promise<void>;
    emit(event: string, data: unknown): void;
  };
  // per-call: unnamed, planned for its values every time (counts whose best plan depends on them).
  // Never remembered: per-call texts (searches, custom reports) must not take the named slots.
  const statement = options.plan === 'per-call' ? { text: numbered(sql) } : prepared(sql);
  // As knex reports its own queries: `?` placeholders and the bindings (bench/explain.ts re-runs them).
  client.emit('query', { sql, bindings: values, __knexQueryUid: statement.name });
  const pg = await client.acquireConnection();
  try {
    const result = await pg.query(
      statement.name
        ? { name: statement.name, text: statement.text, values }
        : { text: statement.text, values },
    );
    return result.rows as R[];
  } catch (error) {
    throw em
      .getPlatform()
      .getExceptionConverter()
      .convertException(error as Error);
  } finally {
    await client.releaseConnection(pg);
  }
}
