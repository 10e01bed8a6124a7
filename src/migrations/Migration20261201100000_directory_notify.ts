import { Migration } from '@mikro-orm/migrations';

/**
 * Every change of a user or an organization, by the API or by plain SQL, notifies `directory_changed`
 * at commit: each service instance drops its cached viewers and organizations (server/directory-cache.ts),
 * so a deactivated or demoted user loses access at once, not after the cache's lifetime.
 */
export class Migration20261201100000_directory_notify extends Migration {
  override async up(): Promise<void> {
    // Counters and bookkeeping that no read depends on (the next customer code, the last login) do
    // not count as a change: creating a customer or logging in would otherwise empty every cache.
    this.addSql(`create function directory_changed() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and (to_jsonb(old) - '{last_customer_number,last_login_at,updated_at}'::text[])
                              = (to_jsonb(new) - '{last_customer_number,last_login_at,updated_at}'::text[]) then
          return null;
        end if;
        perform pg_notify('directory_changed', tg_table_name || ':' || coalesce(old.id, new.id)::text);
        return null;
      end $$;`);
    for (const table of ['app_user', 'organization'])
      this.addSql(`create trigger "${table}_directory_changed" after update or delete on "${table}"
        for each row execute function directory_changed();`);
  }

  override async down(): Promise<void> {
    for (const table of ['app_user', 'organization'])
      this.addSql(`drop trigger "${table}_directory_changed" on "${table}";`);
    this.addSql(`drop function directory_changed();`);
  }
}
