import { Migration } from '@mikro-orm/migrations';

/**
 * The data keys are what every health value opens with: the runtime role (requests) may read and
 * insert them (an organization's first key is made on first use) but neither UPDATE, DELETE nor
 * TRUNCATE them, which the default privileges of Migration20261122213000_runtime_role gave it. A
 * compromised request session could otherwise destroy every organization's health data at once.
 *
 * The rotation commands (`keys:rotate-master` re-wraps, `keys:rotate-data` retires) run as the jobs
 * role (src/services/tenancy.ts asMaintenance), a member of the runtime role: it gets UPDATE of
 * exactly the columns they set. No role but the owner may delete a data key.
 *
 * Skipped, like the runtime-role migration, where the roles do not exist (no privilege to create
 * them: the service runs as the owner).
 */
export class Migration20261203210000_data_key_privileges extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      do $$
      begin
        if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
          execute 'revoke update, delete, truncate on data_key from wellness_runtime';
        end if;
        if exists (select 1 from pg_roles where rolname = 'wellness_jobs') then
          execute 'grant update (wrapped_key, master_key_id, retired_at) on data_key to wellness_jobs';
        end if;
      exception when insufficient_privilege then
        raise warning 'data_key privileges not restricted (no privilege to grant): %', sqlerrm;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      do $$
      begin
        if exists (select 1 from pg_roles where rolname = 'wellness_jobs') then
          execute 'revoke update (wrapped_key, master_key_id, retired_at) on data_key from wellness_jobs';
        end if;
        if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
          execute 'grant update, delete on data_key to wellness_runtime';
        end if;
      end $$;`);
  }
}
