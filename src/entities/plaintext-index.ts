import { SEALED_LIKE } from '../core/crypto/envelope';

/**
 * Rows holding a plaintext value in one of the sealed `columns` (left from before the encryption), as
 * SQL with the pattern a literal: the planner proves a partial index usable only from a predicate it
 * can read (a bound parameter could be any pattern). What sealPlaintext's statements and the partial
 * indexes below both say (src/core/crypto/rotation.ts).
 */
export function plaintextPredicate(columns: readonly string[]): string {
  if (SEALED_LIKE.includes("'")) throw new Error('SEALED_LIKE cannot be a SQL literal');
  return columns
    .map((column) => `("${column}" is not null and "${column}" not like '${SEALED_LIKE}')`)
    .join(' or ');
}

/**
 * The partial index of a sealed table's plaintext rows (Migration20261205010000_plaintext_indexes):
 * empty once everything is sealed, so the start-up pass reads an empty index instead of the table,
 * and writes of sealed values never touch it.
 */
export function plaintextIndex(
  table: string,
  columns: readonly string[],
): { name: string; expression: string } {
  const name = `${table}_plaintext_index`;
  return {
    name,
    expression: `create index ${name} on ${table} (organization_id, id) where ${plaintextPredicate(columns)}`,
  };
}
