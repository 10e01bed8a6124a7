import { Migration } from '@mikro-orm/migrations';

/** Extensions the schema relies on: trigram search on names, and (for bookings) GiST on scalars. */
export class Migration20261122000000_extensions extends Migration {
  override async up(): Promise<void> {
    this.addSql('create extension if not exists pg_trgm;');
    this.addSql('create extension if not exists btree_gist;');
  }

  override async down(): Promise<void> {
    this.addSql('drop extension if exists btree_gist;');
    this.addSql('drop extension if exists pg_trgm;');
  }
}
