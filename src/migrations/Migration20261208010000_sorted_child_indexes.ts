import { Migration } from '@mikro-orm/migrations';

/** The health record tables whose single-column customer index becomes (customer_id, recorded_at, id). */
const HEALTH_RECORDS = ['allergy', 'medical_condition', 'special_condition'];

/**
 * Indexes in the order the read path lists a customer's children: health records oldest recorded
 * first, accounts by kind and opening. The list page built each customer's allergies, medical history
 * and accounts by scanning the customer's rows and sorting them, sixty small sorts a page (8 % of its
 * statement's time in PostgreSQL); read in index order, the aggregate needs no sort. Each replaces the
 * customer index it extends, so writes maintain no more indexes than before.
 */
export class Migration20261208010000_sorted_child_indexes extends Migration {
  override async up(): Promise<void> {
    for (const table of HEALTH_RECORDS) {
      this.addSql(`drop index if exists "${table}_customer_id_index";`);
      this.addSql(
        `create index "${table}_customer_id_recorded_at_id_index" on "${table}" ("customer_id", "recorded_at", "id");`,
      );
    }
    this.addSql('drop index if exists "account_customer_index";');
    this.addSql(
      'create index "account_customer_index" on "account" ("customer_id", "kind", "created_at", "id");',
    );
  }

  override async down(): Promise<void> {
    for (const table of HEALTH_RECORDS) {
      this.addSql(`drop index if exists "${table}_customer_id_recorded_at_id_index";`);
      this.addSql(`create index "${table}_customer_id_index" on "${table}" ("customer_id");`);
    }
    this.addSql('drop index if exists "account_customer_index";');
    this.addSql('create index "account_customer_index" on "account" ("customer_id", "created_at");');
  }
}
