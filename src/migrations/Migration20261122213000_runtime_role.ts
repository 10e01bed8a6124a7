import { Migration } from '@mikro-orm/migrations';

/**
 * The role requests run as: it reads and writes rows but owns nothing, so it can neither UPDATE or
 * DELETE append-only rows (ledger, stock movements, audit, tier history) nor disable their triggers.
 * Migrations keep running as the owner. Where the database user may not create roles (some managed
 * databases), this is skipped and the service runs as the owner (it logs a warning).
 */
export class Migration20261122213000_runtime_role extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      do $$
      begin
        if not exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
          begin
            create role wellness_runtime nologin;
          exception when duplicate_object or unique_violation then null;
          end;
        end if;
        if not pg_has_role(current_user, 'wellness_runtime', 'member') then
          execute format('grant wellness_runtime to %I', current_user);
        end if;
        execute 'grant usage on schema public to wellness_runtime';
        execute 'grant select, insert, update, delete on all tables in schema public to wellness_runtime';
        execute 'grant usage, select on all sequences in schema public to wellness_runtime';
        execute format('alter default privileges for role %I in schema public grant select, insert, update, delete on tables to wellness_runtime', current_user);
        execute format('alter default privileges for role %I in schema public grant usage, select on sequences to wellness_runtime', current_user);
        execute 'revoke update, delete, truncate on ledger_entry, stock_movement, audit_event, tier_change from wellness_runtime';
      exception when insufficient_privilege then
        raise warning 'wellness_runtime role not set up (no privilege to create roles): requests run as the owner';
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      do $$
      begin
        if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
          execute 'revoke all on all tables in schema public from wellness_runtime';
          execute 'revoke all on all sequences in schema public from wellness_runtime';
          execute format('alter default privileges for role %I in schema public revoke all on tables from wellness_runtime', current_user);
          execute format('alter default privileges for role %I in schema public revoke all on sequences from wellness_runtime', current_user);
          execute 'revoke usage on schema public from wellness_runtime';
        end if;
      end $$;`);
  }
}
