/**
 * What a read of parent rows brings along in its own statement for each row (a customer's health
 * profile, wallets, last visits …): a SQL expression correlated on the parent row `p` and what to do
 * with its value, typically prime the loader that the field resolver will ask. Only a hint for
 * fetching: every field is still resolved through its loader and checked by its own rule.
 */
export interface Companion {
  /** A scalar or json expression on the parent row alias `p`; `?` placeholders for `params`. */
  sql: string;
  params: unknown[];
  take: (parentId: string, value: unknown) => void;
}
