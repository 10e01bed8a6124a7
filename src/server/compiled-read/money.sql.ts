import type { FieldAt } from './compile-read';
import { FALLBACK_SQL } from './read-marks';
import { jsonKey, joined, sql, trusted, type Sql } from './sql-fragment';

/** Money.amount as schema/money.type.ts `money()` writes it: sign, major units, two decimals. */
const amount = (minorUnits: string) =>
  `(case when ${minorUnits} < 0 then '-' else '' end || (abs(${minorUnits}) / 100)::text || '.' || lpad((abs(${minorUnits}) % 100)::text, 2, '0'))`;

/** The organization's currency (resolvers/money-field.ts inCurrency), from the statement's `o`. */
export const ORGANIZATION_CURRENCY = '(select currency from o)';

/**
 * A Money object over a minor-units expression of the row (`money(minorUnits, currency)`): the
 * members the nodes select, each allowed by the policies, or undefined.
 */
export function moneySql(at: FieldAt, minorUnits: string, currency = ORGANIZATION_CURRENCY): Sql | undefined {
  const type = at.compiler.schema.getType('Money');
  if (!type || !('getFields' in type)) return undefined;
  const fields = at.compiler.fields(type as never, at.nodes);
  if (!fields) return undefined;
  const members: Sql[] = [];
  for (const [key, field] of fields) {
    const value: Record<string, string> = {
      __typename: "'Money'",
      amount: amount(minorUnits),
      // A GraphQLSafeInt: beyond 2^53 graphql-js refuses it (an error at the path), so it answers.
      minorUnits: `(case when abs(${minorUnits}) <= ${Number.MAX_SAFE_INTEGER} then to_json(${minorUnits}) else ${FALLBACK_SQL} end)`,
      currency,
    };
    if (!(field.name in value)) return undefined;
    members.push(sql`${jsonKey(key)}, ${trusted(value[field.name])}`);
  }
  return sql`json_build_object(${joined(members, ', ')})`;
}
