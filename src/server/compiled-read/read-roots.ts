import type { FieldNode, GraphQLObjectType } from 'graphql';
import { decodeTimeCursor } from '../../core/paging/cursor';
import { isUuid } from '../../core/uuid';
import { FollowUpStatus } from '../../entities/care/care.enums';
import type { ReadCompiler } from './compile-read';
import { connection, isoJson, limitOf, type Page } from './read-connection';
import { bind, joined, organizationValue, pageLimit, sql, trusted, type Sql } from './sql-fragment';

type Compiled = { sql: Sql; required?: boolean } | undefined;

/**
 * A root page of `table` ordered by a timestamp column and the id, as services/newest-first.ts
 * pageByTime reads it (the organization's rows, the keyset after the cursor); undefined for a
 * cursor graphql-js refuses.
 */
function timePage(
  compiler: ReadCompiler,
  table: string,
  conditions: Sql[],
  order: { column: string; direction: 'asc' | 'desc' },
  args: Record<string, unknown>,
): Page | undefined {
  const limit = limitOf(args.first);
  if (limit === undefined) return undefined;
  const where = joined(
    [sql`t.organization_id = ${organizationValue(compiler.organizationId)}`, ...conditions],
    ' and ',
  );
  let keyset: Sql = trusted('');
  if (typeof args.after === 'string' && args.after) {
    try {
      const cursor = decodeTimeCursor(args.after);
      const comparison = order.direction === 'desc' ? '<' : '>';
      keyset = sql` and ${trusted(`(t.${order.column}, t.id) ${comparison}`)} (${bind(cursor.at)}, ${bind(cursor.id)})`;
    } catch {
      return undefined;
    }
  }
  const by = (alias: string) => `${alias}.${order.column} ${order.direction}, ${alias}.id ${order.direction}`;
  return {
    rows: (alias, size) =>
      sql`(select t.* from ${trusted(table)} t where ${where}${keyset} order by ${trusted(by('t'))} limit ${pageLimit(size)}) ${trusted(alias)}`,
    order: by,
    sortJson: (alias) => isoJson(`${alias}.${order.column}`),
    count: sql`(select count(*) from ${trusted(table)} t where ${where})`,
    limit,
    after: Boolean(args.after),
  };
}

const uuidOrAbsent = (value: unknown) => value == null || (typeof value === 'string' && isUuid(value));

/**
 * `Query.ledgerEntries` of one account or one customer, newest first
 * (services/membership/ledger-query.service.ts entries). An entry proves its owner exists; a page of
 * none where the owner does not exist is null here, so graphql-js answers it (NOT_FOUND).
 */
export function ledgerEntriesConnection(
  compiler: ReadCompiler,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  args: Record<string, unknown>,
): Compiled {
  const { accountId, customerId } = args;
  // Neither or both: BAD_USER_INPUT from the service.
  if ((accountId == null) === (customerId == null)) return undefined;
  const id = accountId ?? customerId;
  if (typeof id !== 'string' || !isUuid(id)) return undefined;
  const [owner, column] = accountId != null ? ['account', 'account_id'] : ['customer', 'customer_id'];
  const page = timePage(
    compiler,
    'ledger_entry',
    [sql`${trusted(`t.${column}`)} = ${bind(id)}`],
    { column: 'created_at', direction: 'desc' },
    args,
  );
  const compiled = page && connection(compiler, type, nodes, page);
  if (!compiled) return undefined;
  return {
    sql: sql`(case when exists (select 1 from ${trusted(owner)} p where p.id = ${bind(id)} and p.organization_id = ${organizationValue(compiler.organizationId)})
      then ${compiled} end)`,
    required: true,
  };
}

const CARE_TASK_FILTERS = new Set([
  'status',
  'kinds',
  'ownerId',
  'customerId',
  'storeId',
  'dueBefore',
  'dueAfter',
]);

/**
 * `Query.careTasks`, soonest due first, OPEN unless the filter names a status
 * (services/care/care-task.service.ts list).
 */
export function careTasksConnection(
  compiler: ReadCompiler,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  args: Record<string, unknown>,
): Compiled {
  const filter = (args.filter ?? {}) as Record<string, unknown>;
  if (Object.keys(filter).some((name) => !CARE_TASK_FILTERS.has(name))) return undefined;
  if (![filter.ownerId, filter.customerId, filter.storeId].every(uuidOrAbsent)) return undefined;
  const conditions: Sql[] = [sql`t.status = ${bind(filter.status ?? FollowUpStatus.OPEN)}`];
  if (filter.ownerId != null) conditions.push(sql`t.owner_id = ${bind(filter.ownerId)}`);
  const kinds = filter.kinds as string[] | null | undefined;
  if (kinds?.length) conditions.push(sql`t.kind::text = any(${bind(kinds)}::text[])`);
  if (filter.customerId != null) conditions.push(sql`t.customer_id = ${bind(filter.customerId)}`);
  if (filter.storeId != null) conditions.push(sql`t.store_id = ${bind(filter.storeId)}`);
  if (filter.dueBefore != null) conditions.push(sql`t.due_at <= ${bind(filter.dueBefore)}`);
  if (filter.dueAfter != null) conditions.push(sql`t.due_at >= ${bind(filter.dueAfter)}`);
  const page = timePage(compiler, 'care_task', conditions, { column: 'due_at', direction: 'asc' }, args);
  const compiled = page && connection(compiler, type, nodes, page);
  return compiled && { sql: compiled };
}
