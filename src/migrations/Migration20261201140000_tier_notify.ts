import { Migration } from '@mikro-orm/migrations';

/**
 * Membership tiers join the directory cache (server/directory-cache.ts): every insert, update or
 * delete of a tier notifies `directory_changed` at commit, so each instance drops its cached tier
 * lists. Inserts count too: a cached list of an organization's tiers must show a new one.
 */
export class Migration20261201140000_tier_notify extends Migration {
  override async up(): Promise<void> {
    this
      .addSql(`create trigger "membership_tier_directory_changed" after insert or update or delete on "membership_tier"
      for each row execute function directory_changed();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "membership_tier_directory_changed" on "membership_tier";`);
  }
}
