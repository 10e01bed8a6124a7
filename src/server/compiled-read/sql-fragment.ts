import { ORGANIZATION_PARAMETER } from '../../services/sql';

/**
 * SQL text with `?` placeholders and its values in text order, built by composition: a fragment
 * interpolated into another brings its values along at the place its text lands, so placeholders and
 * values cannot drift apart however the pieces are nested.
 */
export interface Sql {
  readonly text: string;
  readonly values: readonly unknown[];
}

export function sql(strings: TemplateStringsArray, ...parts: Sql[]): Sql {
  let text = strings[0];
  const values: unknown[] = [];
  parts.forEach((part, index) => {
    text += part.text + strings[index + 1];
    values.push(...part.values);
  });
  return { text, values };
}

/** A bound value. */
export function bind(value: unknown): Sql {
  return { text: '?', values: [value] };
}

/** The viewer's organization id, bound out of the planner's sight: services/sql.ts ORGANIZATION_PARAMETER. */
export function organizationValue(id: string): Sql {
  return { text: ORGANIZATION_PARAMETER, values: [id] };
}

/**
 * A page size written into the text: bound, LIMIT is unknown to the generic plan, which PostgreSQL
 * then sizes for a tenth of the rows and never prefers to planning each call anew.
 */
export function pageLimit(size: number): Sql {
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`not a page size: ${size}`);
  return { text: String(size), values: [] };
}

/** Text written by this module only (identifiers, keywords): never user input. */
export function trusted(text: string): Sql {
  return { text, values: [] };
}

export function joined(parts: readonly Sql[], separator: string): Sql {
  return {
    text: parts.map((part) => part.text).join(separator),
    values: parts.flatMap((part) => part.values),
  };
}

/** A GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`) as a SQL string literal: nothing in it needs quoting. */
export function nameLiteral(name: string): string {
  if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) throw new Error(`not a GraphQL name: ${name}`);
  return `'${name}'`;
}

/** A json object key: a response key, which is a GraphQL name. */
export function jsonKey(name: string): Sql {
  return trusted(nameLiteral(name));
}
