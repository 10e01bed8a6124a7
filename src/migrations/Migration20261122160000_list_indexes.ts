import { Migration } from '@mikro-orm/migrations';

/**
 * From the 100,000-customer benchmark (docs/benchmarks.md):
 * - ordering by name (pinyin) read the whole organization and sorted it; the text_pattern_ops prefix
 *   index cannot give ORDER BY order, so a plain one is added;
 * - totalCount of the live list scanned the table: a small partial index answers it index-only;
 * - name-prefix searches count only live customers: the prefix index becomes partial, so a count
 *   is index-only too (archived customers are still found by the trigram index).
 */
export class Migration20261122160000_list_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index customer_name_pinyin_order_index on customer (organization_id, name_pinyin, id);`,
    );
    this.addSql(`create index customer_live_index on customer (organization_id) where archived_at is null;`);
    this.addSql(`drop index customer_name_prefix_index;`);
    this.addSql(
      `create index customer_name_prefix_index on customer (organization_id, name text_pattern_ops) where archived_at is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index customer_name_prefix_index;`);
    this.addSql(
      `create index customer_name_prefix_index on customer (organization_id, name text_pattern_ops);`,
    );
    this.addSql(`drop index customer_live_index;`);
    this.addSql(`drop index customer_name_pinyin_order_index;`);
  }
}
