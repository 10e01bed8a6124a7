import { Migration } from '@mikro-orm/migrations';

/** Idempotent booking: the hash of the first request made with an idempotency key. */
export class Migration20261122170500_appointment_request_hash extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "appointment" add column "request_hash" varchar(64) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "appointment" drop column "request_hash";`);
  }
}
