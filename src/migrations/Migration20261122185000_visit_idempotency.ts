import { Migration } from '@mikro-orm/migrations';

/** Idempotent visit recording for POS retries, and the indexes of visit lists. */
export class Migration20261122185000_visit_idempotency extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "visit" add column "idempotency_key" varchar(100) null, add column "request_hash" varchar(64) null;`,
    );
    this.addSql(
      `alter table "visit" add constraint "visit_organization_id_idempotency_key_unique" unique ("organization_id", "idempotency_key");`,
    );
    // Newest-first pages over the whole organization ("visits" without a customer filter).
    this.addSql(
      `create index visit_organization_visited_index on visit (organization_id, visited_at desc, id desc);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists visit_organization_visited_index;`);
    this.addSql(`alter table "visit" drop constraint "visit_organization_id_idempotency_key_unique";`);
    this.addSql(`alter table "visit" drop column "idempotency_key", drop column "request_hash";`);
  }
}
