import { Migration } from '@mikro-orm/migrations';

/**
 * Duplicates and merge (issue 16). A merged customer keeps its row (id and code, so integrations
 * holding them can follow `merged_into_id` to the survivor); balances move by TRANSFER ledger entries
 * and the merge is one MERGE audit row. The partial indexes serve the duplicate candidates, one per
 * reason, over live (not merged) records.
 *
 * `alter type … add value` may run in a transaction since PostgreSQL 12; the values are only used
 * after this migration commits.
 */
export class Migration20261202130000_customer_merge extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type "ledger_entry_kind" add value if not exists 'TRANSFER';`);
    this.addSql(`alter type "audit_action" add value if not exists 'MERGE';`);
    this.addSql(
      `alter table "customer" add column "merged_into_id" uuid null, add column "merged_at" timestamptz null;`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_merged_into_id_foreign" foreign key ("merged_into_id") references "customer" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_merged_check" check ((merged_into_id is null) = (merged_at is null) and (merged_into_id is null or merged_into_id <> id));`,
    );
    this.addSql(
      `create index customer_merged_into_index on customer (merged_into_id) where merged_into_id is not null;`,
    );
    this.addSql(
      `create index customer_duplicate_name_birthday_index on customer (organization_id, name, birthday) where birthday is not null and merged_at is null;`,
    );
    this.addSql(
      `create index customer_duplicate_pinyin_last4_index on customer (organization_id, name_pinyin, phone_last4) where phone_last4 is not null and merged_at is null;`,
    );
    this.addSql(
      `create index customer_duplicate_email_index on customer (organization_id, lower(email)) where email is not null and merged_at is null;`,
    );
  }
}
