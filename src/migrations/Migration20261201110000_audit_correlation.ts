import { Migration } from '@mikro-orm/migrations';

/**
 * The audit log keeps the server's own request id; the id a client sent (x-request-id, e.g. a POS's
 * receipt number) is only a correlation hint the client chose, so it goes into its own column.
 */
export class Migration20261201110000_audit_correlation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "audit_event" add column "correlation_id" varchar(64) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_event" drop column "correlation_id";`);
  }
}
