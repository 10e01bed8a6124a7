import { getNamedType, isObjectType, type FieldNode, type GraphQLObjectType } from 'graphql';
import { decodeCursor, decodeTimeCursor, pageSize } from '../../core/paging/cursor';
import type { ChildList } from '../../services/read/child-pages';
import { cursorOf } from '../../services/read/child-pages';
import {
  CUSTOMER_ORDER,
  customerByIdWhere,
  customerCountSql,
  customerListWhere,
  type StatusBoundaries,
} from '../../services/customers/customer-filter.sql';
import { isUuid } from '../../core/uuid';
import { CustomerOrderField, SortDirection } from '../../entities/customers/customers.enums';
import type { CustomerFilter, CustomerOrder } from '../../schema/customers/customer.inputs';
import type { FieldAt, ReadCompiler } from './compile-read';
import { isoSql } from './plain-columns';
import { bind, jsonKey, joined, organizationValue, pageLimit, sql, trusted, type Sql } from './sql-fragment';

/** The rows of one page, ordered by a column and the id (the keyset of the cursor). */
export interface Page {
  /** The page's rows (at most `limit`) as a derived table named `alias`. */
  rows: (alias: string, limit: number) => Sql;
  /** `order by` of the page over `alias`. */
  order: (alias: string) => string;
  /** The sort value over `alias` as the cursor's json writes it (a timestamp as ISO text). */
  sortJson: (alias: string) => string;
  /** The rows of every page, counted (totalCount). */
  count: Sql;
  limit: number;
  after: boolean;
}

/**
 * core/paging/cursor.ts encodeCursor in SQL: base64url (unpadded) of `[<sort value>,"<id>"]` as
 * JSON.stringify writes it (no spaces; PostgreSQL's to_json escapes text as it does).
 */
const cursorSql = (sortJson: string, id: string) =>
  `rtrim(translate(encode(convert_to('[' || ${sortJson} || ',"' || ${id}::text || '"]', 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')`;

/** A timestamp column as the cursor's json writes it: `toISOString()` in quotes. */
export const isoJson = (column: string) => `('"' || ${isoSql(column)} || '"')`;

/** A Relay connection over a page: the members the nodes select, graphql-js's shape and order. */
export function connection(
  compiler: ReadCompiler,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  page: Page,
): Sql | undefined {
  const members: Sql[] = [];
  const fields = compiler.fields(type, nodes);
  if (!fields) return undefined;
  for (const [key, { name, nodes: selected, type: fieldType }] of fields) {
    let value: Sql | undefined;
    if (name === 'totalCount') value = page.count;
    else if (name === 'edges' && fieldType) {
      const alias = compiler.alias('e');
      const edge = edgeObject(compiler, fieldType, selected, alias, page);
      if (!edge) return undefined;
      value = sql`coalesce((select json_agg(${edge} order by ${trusted(page.order(alias))}) from ${page.rows(alias, page.limit)}), '[]'::json)`;
    } else if (name === 'pageInfo' && fieldType) value = pageInfo(compiler, fieldType, selected, page);
    else if (name === '__typename') value = trusted(`'${type.name}'`);
    if (!value) return undefined;
    members.push(sql`${jsonKey(key)}, ${value}`);
  }
  return sql`json_build_object(${joined(members, ', ')})`;
}

function edgeObject(
  compiler: ReadCompiler,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  alias: string,
  page: Page,
): Sql | undefined {
  const fields = compiler.fields(type, nodes);
  if (!fields) return undefined;
  const members: Sql[] = [];
  for (const [key, { name, nodes: selected, type: fieldType }] of fields) {
    let value: Sql | undefined;
    if (name === 'cursor') value = trusted(cursorSql(page.sortJson(alias), `${alias}.id`));
    else if (name === 'node' && fieldType) {
      value = compiler.object(fieldType, alias, selected);
    } else if (name === '__typename') value = trusted(`'${type.name}'`);
    if (!value) return undefined;
    members.push(sql`${jsonKey(key)}, ${value}`);
  }
  return sql`json_build_object(${joined(members, ', ')})`;
}

/** core/paging/cursor.ts toConnection: a next page when `limit + 1` rows exist; cursors of the ends. */
function pageInfo(
  compiler: ReadCompiler,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  page: Page,
): Sql | undefined {
  const fields = compiler.fields(type, nodes);
  if (!fields) return undefined;
  const members: Sql[] = [];
  for (const [key, { name }] of fields) {
    const alias = compiler.alias('i');
    const ends = (index: string) =>
      sql`(select (array_agg(${trusted(cursorSql(page.sortJson(alias), `${alias}.id`))} order by ${trusted(page.order(alias))}))[${trusted(index)}] from ${page.rows(alias, page.limit)})`;
    let value: Sql | undefined;
    if (name === 'hasNextPage')
      value = sql`((select count(*) from ${page.rows(alias, page.limit + 1)}) > ${bind(page.limit)})`;
    else if (name === 'hasPreviousPage') value = trusted(page.after ? 'true' : 'false');
    else if (name === 'startCursor') value = ends('1');
    else if (name === 'endCursor') value = ends('count(*)');
    else if (name === '__typename') value = trusted(`'${type.name}'`);
    if (!value) return undefined;
    members.push(sql`${jsonKey(key)}, ${value}`);
  }
  return sql`json_build_object(${joined(members, ', ')})`;
}

export function limitOf(first: unknown): number | undefined {
  try {
    return pageSize((first ?? undefined) as number | undefined);
  } catch {
    return undefined;
  }
}

/** schema/customers/customer.inputs.ts CustomerFilter's validators: longer input is graphql-js's to refuse. */
const FILTER_LIMITS = { search: 50, externalId: 100, tagIds: 20 };

/**
 * Where the derived status changes, from the organization row `o` of the compiled statement at its
 * `now()`: the same thresholds and clock the compiled `status` field derives from.
 */
const STATUS_BOUNDARIES: StatusBoundaries = {
  dormantSince: { sql: `(select now() - o.dormant_after_days * interval '24 hours' from o)` },
  lostSince: { sql: `(select now() - o.lost_after_days * interval '24 hours' from o)` },
};

/**
 * `Query.customers` newest first (services/customers/customer-query.service.ts list): every filter,
 * `customerListWhere` as there (status boundaries in SQL). A search is planned for its term each
 * time, as there.
 */
export function customersConnection(
  compiler: ReadCompiler,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  args: Record<string, unknown>,
): { sql: Sql } | undefined {
  const filter = (args.filter ?? {}) as CustomerFilter;
  const order = (args.orderBy as CustomerOrder | null | undefined) ?? {
    field: CustomerOrderField.CREATED_AT,
    direction: SortDirection.DESC,
  };
  const { column } = CUSTOMER_ORDER[order.field];
  const direction = order.direction === SortDirection.ASC ? 'asc' : 'desc';
  if ((filter.search?.length ?? 0) > FILTER_LIMITS.search) return undefined;
  if ((filter.externalId?.length ?? 0) > FILTER_LIMITS.externalId) return undefined;
  if ((filter.tagIds?.length ?? 0) > FILTER_LIMITS.tagIds) return undefined;
  const ids = [filter.assignedConsultantId, filter.assignedTherapistId, ...(filter.tagIds ?? [])];
  if (!ids.every((id) => id == null || isUuid(id))) return undefined;
  const limit = limitOf(args.first);
  if (limit === undefined) return undefined;
  const where = customerListWhere(compiler.viewer, filter, STATUS_BOUNDARIES);
  if (filter.search) compiler.planPerCall();
  let keyset: Sql = trusted('');
  if (typeof args.after === 'string' && args.after) {
    // As the service decodes it; a cursor it would bind as something else than text is its to answer.
    let after: { value: unknown; id: string };
    try {
      if (column === 'created_at') {
        const cursor = decodeTimeCursor(args.after);
        after = { value: cursor.at, id: cursor.id };
      } else {
        const cursor = decodeCursor(args.after);
        after = { value: cursor.sortValue, id: cursor.id };
      }
    } catch {
      return undefined;
    }
    if (!isUuid(after.id) || !(after.value instanceof Date || typeof after.value === 'string'))
      return undefined;
    keyset = sql` and ${trusted(`(c.${column}, c.id) ${direction === 'asc' ? '>' : '<'}`)} (${bind(after.value)}, ${bind(after.id)})`;
  }
  const by = (alias: string) => `${alias}.${column} ${direction}, ${alias}.id ${direction}`;
  const condition: Sql = { text: where.sql, values: where.values };
  const compiled = connection(compiler, type, nodes, {
    rows: (alias, size) =>
      sql`(select c.* from customer c where ${condition}${keyset} order by ${trusted(by('c'))} limit ${pageLimit(size)}) ${trusted(alias)}`,
    order: by,
    sortJson: (alias) =>
      column === 'created_at'
        ? isoJson(`${alias}.${column}`)
        : `coalesce(to_json(${alias}.${column})::text, 'null')`,
    count: (({ sql: text, values }) => ({ text, values }))(customerCountSql(where)),
    limit,
    after: Boolean(args.after),
  });
  return compiled && { sql: compiled };
}

/** A nested page of a row (`Customer.visits`): services/read/child-pages.ts loadChildPages. */
export function childConnection<T>(at: FieldAt, list: ChildList<T>): Sql | undefined {
  const type = getNamedType(at.definition.type);
  const limit = limitOf(at.args.first);
  if (!isObjectType(type) || limit === undefined) return undefined;
  let cursor: { at: string; id: string } | null;
  try {
    cursor = cursorOf((at.args.after as string | null | undefined) ?? undefined);
  } catch {
    return undefined;
  }
  const scope = list.scope(at.compiler.viewer);
  const scoped: Sql = { text: scope.sql, values: scope.params };
  const parent = sql`${trusted(`t.${list.parentColumn} = ${at.source}.id`)} and t.organization_id = ${organizationValue(at.compiler.organizationId)}`;
  const keyset = cursor
    ? sql` and (${trusted(`t.${list.orderColumn}`)}, t.id) < (${bind(cursor.at)}::timestamptz, ${bind(cursor.id)}::uuid)`
    : trusted('');
  const column = list.orderColumn;
  const compiled = connection(at.compiler, type, at.nodes, {
    rows: (alias, size) =>
      sql`(select t.* from ${trusted(list.table)} t where ${parent}${keyset} ${scoped} order by ${trusted(`t.${column} desc, t.id desc`)} limit ${pageLimit(size)}) ${trusted(alias)}`,
    order: (alias) => `${alias}.${column} desc, ${alias}.id desc`,
    sortJson: (alias) => isoJson(`${alias}.${column}`),
    count: sql`(select count(*) from ${trusted(list.table)} t where ${parent} ${scoped})`,
    limit,
    after: Boolean(at.args.after),
  });
  return compiled;
}

/** `Query.customer(id)`: services/customers/customer-query.service.ts get; none found is NOT_FOUND there. */
export function customerById(
  compiler: ReadCompiler,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  args: Record<string, unknown>,
): { sql: Sql; required: boolean } | undefined {
  if (typeof args.id !== 'string' || !isUuid(args.id)) return undefined;
  const where = customerByIdWhere(compiler.viewer, args.id);
  const alias = compiler.alias('c');
  const object = compiler.object(type, alias, nodes);
  if (!object) return undefined;
  const condition: Sql = { text: where.sql, values: where.values };
  return {
    sql: sql`(select ${object} from (select c.* from customer c where ${condition} limit 1) ${trusted(alias)})`,
    required: true,
  };
}
