import { Migration } from '@mikro-orm/migrations';

/**
 * Bookings and visits keep their idempotency keys in `idempotency_record`, like the ledger
 * (src/services/idempotency.ts): the request hashes on their rows are no longer written or read. The
 * keys stay on the rows, unique per organization, for when the record has been purged.
 */
export class Migration20261201130000_one_idempotency extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "appointment" drop column "request_hash";`);
    this.addSql(`alter table "visit" drop column "request_hash";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "appointment" add column "request_hash" varchar(64) null;`);
    this.addSql(`alter table "visit" add column "request_hash" varchar(64) null;`);
  }
}
