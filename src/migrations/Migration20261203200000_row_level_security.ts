import { Migration } from '@mikro-orm/migrations';

/**
 * Tenancy enforced by PostgreSQL (issue 17): row-level security, ENABLE and FORCE, on every table of
 * the public schema with an `organization_id` column (found here, not listed: tables added by later
 * migrations call `tenancy_protect` themselves, and test/tenancy/row-level-security.test.ts fails for one
 * that does not) and on `organization` by its id.
 *
 * - `tenant_isolation` (every role): a row is seen and written only when its organization is the
 *   session's `app.organization_id` (src/server/tenancy.ts sets it per request). No setting, no rows.
 * - `maintenance` (`wellness_jobs` and the migrating owner): every row. Jobs (rollups, retention,
 *   imports, care schedule) say that they work across organizations by running as `wellness_jobs`; the
 *   owner runs migrations and the SECURITY DEFINER triggers of the report rollups. A superuser owner
 *   (the embedded PostgreSQL) bypasses row-level security anyway.
 * - Login and API-key authentication happen before the organization is known: two SECURITY DEFINER
 *   functions answer only the organization of an email or a key prefix, nothing else.
 *
 * `wellness_jobs` is a member of `wellness_runtime`: its privileges, no more (no UPDATE/DELETE of
 * append-only rows); only the policies tell them apart.
 */
export class Migration20261203200000_row_level_security extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      do $$
      begin
        if not exists (select 1 from pg_roles where rolname = 'wellness_jobs') then
          begin
            create role wellness_jobs nologin;
          exception when duplicate_object or unique_violation then null;
          end;
        end if;
        if not pg_has_role(current_user, 'wellness_jobs', 'member') then
          execute format('grant wellness_jobs to %I', current_user);
        end if;
        -- Exactly the runtime role's privileges, those later migrations grant it included (append-only
        -- rows stay append-only, rollups read-only, erase_customer_history callable).
        if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
          execute 'grant wellness_runtime to wellness_jobs';
        end if;
      exception when insufficient_privilege then
        raise warning 'wellness_jobs role not set up (no privilege to create roles): jobs run as the owner';
      end $$;`);

    // The session's organization: '' and unset alike mean none.
    this.addSql(`create function app_organization_id() returns uuid language sql stable parallel safe as $$
      select nullif(current_setting('app.organization_id', true), '')::uuid $$;`);

    // Protects one table; later migrations that add a table with organization_id call it too.
    this.addSql(`create function tenancy_protect(target regclass, key_column text default 'organization_id')
      returns void language plpgsql as $fn$
      declare
        maintainers text := quote_ident(current_user);
      begin
        if exists (select 1 from pg_roles where rolname = 'wellness_jobs') then
          maintainers := maintainers || ', wellness_jobs';
        end if;
        execute format('alter table %s enable row level security', target);
        execute format('alter table %s force row level security', target);
        execute format('drop policy if exists tenant_isolation on %s', target);
        -- (select …): evaluated once per statement (an InitPlan), not per row.
        execute format('create policy tenant_isolation on %s using (%I = (select app_organization_id())) with check (%I = (select app_organization_id()))',
          target, key_column, key_column);
        execute format('drop policy if exists maintenance on %s', target);
        execute format('create policy maintenance on %s to %s using (true) with check (true)', target, maintainers);
      end $fn$;`);

    this.addSql(`
      do $$
      declare
        target regclass;
      begin
        for target in
          select c.oid::regclass from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attname = 'organization_id' and not a.attisdropped
          where n.nspname = 'public' and c.relkind in ('r', 'p')
        loop
          perform tenancy_protect(target);
        end loop;
        perform tenancy_protect('organization'::regclass, 'id');
      end $$;`);

    // A refused login for an email no account has is audited with no organization (rate_limits
    // migration). Such a row may be written by a session with no organization, and read back by one
    // only (the INSERT's RETURNING id needs it): no request with an organization ever sees it.
    this.addSql(`create policy anonymous_login_audit on audit_event for insert
      with check (organization_id is null and action::text = 'LOGIN_FAILED');`);
    this.addSql(`create policy anonymous_login_audit_returning on audit_event for select
      using (organization_id is null and action::text = 'LOGIN_FAILED' and app_organization_id() is null);`);

    // Before the organization is known. Each answers one organization id, or null: no row leaves.
    this.addSql(`create function tenancy_login_organization(login_email text) returns uuid
      language sql stable security definer set search_path = public, pg_temp as $$
      select organization_id from app_user where email = login_email $$;`);
    this.addSql(`create function tenancy_api_key_organization(key_prefix text) returns uuid
      language sql stable security definer set search_path = public, pg_temp as $$
      select organization_id from api_key where prefix = key_prefix $$;`);
    this.addSql(`
      do $$
      begin
        execute 'revoke all on function tenancy_login_organization(text), tenancy_api_key_organization(text) from public';
        if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
          execute 'grant execute on function tenancy_login_organization(text), tenancy_api_key_organization(text) to wellness_runtime';
        end if;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      do $$
      declare
        target regclass;
      begin
        for target in
          select c.oid::regclass from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relrowsecurity
        loop
          execute format('drop policy if exists tenant_isolation on %s', target);
          execute format('drop policy if exists maintenance on %s', target);
          execute format('alter table %s no force row level security', target);
          execute format('alter table %s disable row level security', target);
        end loop;
      end $$;`);
    this.addSql(`drop policy if exists anonymous_login_audit on audit_event;`);
    this.addSql(`drop policy if exists anonymous_login_audit_returning on audit_event;`);
    this.addSql(`drop function if exists tenancy_login_organization(text);`);
    this.addSql(`drop function if exists tenancy_api_key_organization(text);`);
    this.addSql(`drop function if exists tenancy_protect(regclass, text);`);
    this.addSql(`drop function if exists app_organization_id();`);
  }
}
