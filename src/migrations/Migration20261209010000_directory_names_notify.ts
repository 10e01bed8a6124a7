import { Migration } from '@mikro-orm/migrations';

/**
 * Services and new staff members join the directory cache (services/read/directory-cache.ts names):
 * compiled reads print a visit line's service and therapist from it. Every insert, update or delete
 * of a service, and now every insert of a user too (an organization's cached list must show a new
 * one), notifies `directory_changed` at commit, so each instance drops what it cached.
 */
export class Migration20261209010000_directory_names_notify extends Migration {
  override async up(): Promise<void> {
    this
      .addSql(`create trigger "service_item_directory_changed" after insert or update or delete on "service_item"
      for each row execute function directory_changed();`);
    this.addSql(`drop trigger "app_user_directory_changed" on "app_user";`);
    this.addSql(`create trigger "app_user_directory_changed" after insert or update or delete on "app_user"
      for each row execute function directory_changed();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "service_item_directory_changed" on "service_item";`);
    this.addSql(`drop trigger "app_user_directory_changed" on "app_user";`);
    this.addSql(`create trigger "app_user_directory_changed" after update or delete on "app_user"
      for each row execute function directory_changed();`);
  }
}
