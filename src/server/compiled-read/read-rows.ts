import type { FieldAt } from './compile-read';
import { organizationValue, sql, trusted, type Sql } from './sql-fragment';

/** A field the column printers cannot read: its SQL, or undefined to leave the query to graphql-js. */
export type FieldCompiler = (at: FieldAt) => Sql | undefined;

/** The organization of the statement (`o`, the root's CTE): org-scoped value lookups. */
export const organization = (at: FieldAt) => organizationValue(at.compiler.organizationId);

/** A list of child rows as a json array (`[]` without rows), each compiled over its own alias. */
export function rows(
  at: FieldAt,
  table: string,
  where: (alias: string) => Sql,
  order: string,
): Sql | undefined {
  const alias = at.compiler.alias('r');
  const element = at.compiler.child(at, alias);
  if (!element) return undefined;
  const orderBy = trusted(order.replace(/\bt\./g, `${alias}.`));
  return sql`coalesce((select json_agg(${element} order by ${orderBy}) from ${trusted(`"${table}" ${alias}`)} where ${where(alias)}), '[]'::json)`;
}

/** One row by id, or null. */
export function one(at: FieldAt, table: string, idColumn: string): Sql | undefined {
  const alias = at.compiler.alias('r');
  const object = at.compiler.child(at, alias);
  if (!object) return undefined;
  return sql`(select ${object} from ${trusted(`"${table}" ${alias}`)} where ${trusted(`${alias}.id = ${at.source}.${idColumn}`)} and ${trusted(alias)}.organization_id = ${organization(at)})`;
}
