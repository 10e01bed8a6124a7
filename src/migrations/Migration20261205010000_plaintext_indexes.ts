import { Migration } from '@mikro-orm/migrations';

/**
 * The start-up pass that seals health values left in plaintext from before encryption at rest
 * (sealPlaintext, src/core/crypto/rotation.ts) asked every sealed table for its rows whose sealed
 * columns are not `v1.…`: a `not like` no index answers, so each start read all of `visit` (1M rows
 * at the benchmark's size) and the other health tables, to find nothing once they are sealed.
 * A partial index per table holds exactly those rows: empty in a sealed database (the pass reads an
 * empty index), and writes of sealed values never enter it. The predicates are the entities'
 * (src/entities/plaintext-index.ts), which the pass's statements repeat as literals.
 */
const INDEXES: Record<string, string[]> = {
  health_profile: [
    'constitution',
    'secondary_constitutions',
    'lifestyle',
    'skin_profile',
    'current_complaints',
    'wellness_goals',
    'notes',
  ],
  allergy: ['note', 'substance', 'reaction'],
  medical_condition: ['note', 'condition'],
  special_condition: ['note', 'description'],
  visit: ['condition_notes'],
};

const plaintext = (columns: string[]) =>
  columns.map((column) => `("${column}" is not null and "${column}" not like 'v1.%')`).join(' or ');

export class Migration20261205010000_plaintext_indexes extends Migration {
  override async up(): Promise<void> {
    for (const [table, columns] of Object.entries(INDEXES))
      this.addSql(
        `create index "${table}_plaintext_index" on "${table}" ("organization_id", "id") where ${plaintext(columns)};`,
      );
  }

  override async down(): Promise<void> {
    for (const table of Object.keys(INDEXES)) this.addSql(`drop index "${table}_plaintext_index";`);
  }
}
