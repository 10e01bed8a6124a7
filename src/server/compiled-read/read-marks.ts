import { randomBytes } from 'node:crypto';

/**
 * Marks a compiled statement writes into its json for Node to complete (finish-read.ts). Each is a
 * json string starting with `#` and this process's secret: stored text reaches the json only as the
 * content of strings it wrote, and no one who writes customer data has seen the secret, so no stored
 * value can pose as a mark. A mark Node does not complete sends the query to graphql-js.
 */
const SECRET = randomBytes(16).toString('hex');

/** How a mark starts in the json text (its opening quote included). */
export const MARK_TEXT = `"#${SECRET}`;

/**
 * The kinds, one letter after the secret:
 * - `s<sealed>`: a sealed text value (EncryptedText), opened in its place;
 * - `j<index>:<sealed>`: a sealed json value (EncryptedJson), opened and picked by Marks.sealedJson[index];
 * - `x`: a value graphql-js must answer (a required value missing, an integer beyond 2^53, a customer
 *   whose health fields below the role may not read by role);
 * - `h<index>:<customer id>`: a member recording the health fields Marks.health[index] as read;
 * - `d<index>:<id>`: a directory row (a service, a staff member) printed from the directory cache with
 *   the members Marks.names[index] picks (read-names.ts).
 */
const mark = (kind: string) => `'#${SECRET}${kind}'`;

/** A sealed text column as its mark, null as null. */
export const sealedTextSql = (column: string) =>
  `(case when ${column} is null then null else ${mark('s')} || ${column} end)`;

/** A sealed json column as its mark; null as null, or (`always`) as a mark of nothing. */
export const sealedJsonSql = (column: string, index: number, always: boolean) =>
  always
    ? `(${mark(`j${index}:`)} || coalesce(${column}, ''))`
    : `(case when ${column} is null then null else ${mark(`j${index}:`)} || ${column} end)`;

/** A directory row by its id column as its mark (read-names.ts), null as null. */
export const nameMarkSql = (idColumn: string, index: number) =>
  `(case when ${idColumn} is null then null else ${mark(`d${index}:`)} || ${idColumn}::text end)`;

/** A json value that sends the query to graphql-js. */
export const FALLBACK_SQL = `to_json(${mark('x')}::text)`;

/** A json_build_object member (key and value) recording the health fields `index` read for the row's customer. */
export const healthMarkSql = (index: number, customerIdColumn: string) =>
  `${mark(`h${index}:`)} || ${customerIdColumn}::text, null`;
