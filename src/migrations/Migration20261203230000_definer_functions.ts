import { Migration } from '@mikro-orm/migrations';

/**
 * The SECURITY DEFINER functions run as the owner, past row-level security: a session of the runtime
 * role could call them for any organization (found by a review). The rollup refreshes and rebuilds
 * are for the triggers (which run as the owner) and the owner: nobody else executes them now.
 * erase_customer_history is called by a request (an OWNER's erasure) and by the retention job: it now
 * works only for the session's own organization, for the jobs role, or for the owner itself; the
 * body is unchanged, renamed and reachable only through the check.
 */
export class Migration20261203230000_definer_functions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      do $$
      declare f record;
      begin
        for f in select p.oid::regprocedure as signature from pg_proc p
                   join pg_namespace n on n.oid = p.pronamespace
                  where n.nspname = 'public' and p.prosecdef and p.proname like 'report\\_%'
                    and p.prorettype <> 'trigger'::regtype
        loop
          execute format('revoke execute on function %s from public', f.signature);
          if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
            execute format('revoke execute on function %s from wellness_runtime', f.signature);
          end if;
        end loop;
      end $$;`);
    this.addSql(
      `alter function erase_customer_history(uuid, uuid, uuid[], text[]) rename to erase_customer_history_unchecked;`,
    );
    this.addSql(
      `revoke execute on function erase_customer_history_unchecked(uuid, uuid, uuid[], text[]) from public;`,
    );
    this.addSql(`
      do $$ begin
        if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
          execute 'revoke execute on function erase_customer_history_unchecked(uuid, uuid, uuid[], text[]) from wellness_runtime';
        end if;
      end $$;`);
    this.addSql(`
      create function erase_customer_history(p_organization uuid, p_customer uuid, p_related uuid[], p_values text[])
      returns void language plpgsql security definer set search_path = public, pg_temp as $$
      begin
        -- current_setting('role') is the session's SET ROLE (a security definer function changes the
        -- user, not the setting): 'none' is the owner's own session.
        if p_organization is distinct from nullif(current_setting('app.organization_id', true), '')::uuid
           and coalesce(current_setting('role', true), 'none') not in ('none', 'wellness_jobs') then
          raise exception 'erase_customer_history: organization % is not this session''s', p_organization
            using errcode = 'insufficient_privilege';
        end if;
        perform erase_customer_history_unchecked(p_organization, p_customer, p_related, p_values);
      end $$;`);
    this.addSql(`revoke execute on function erase_customer_history(uuid, uuid, uuid[], text[]) from public;`);
    this.addSql(`
      do $$ begin
        if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
          execute 'grant execute on function erase_customer_history(uuid, uuid, uuid[], text[]) to wellness_runtime';
        end if;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function erase_customer_history(uuid, uuid, uuid[], text[]);`);
    this.addSql(
      `alter function erase_customer_history_unchecked(uuid, uuid, uuid[], text[]) rename to erase_customer_history;`,
    );
    this.addSql(`
      do $$ begin
        if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
          execute 'grant execute on function erase_customer_history(uuid, uuid, uuid[], text[]) to wellness_runtime';
        end if;
      end $$;`);
    this.addSql(`
      do $$
      declare f record;
      begin
        for f in select p.oid::regprocedure as signature from pg_proc p
                   join pg_namespace n on n.oid = p.pronamespace
                  where n.nspname = 'public' and p.prosecdef and p.proname like 'report\\_%'
                    and p.prorettype <> 'trigger'::regtype
        loop
          execute format('grant execute on function %s to public', f.signature);
        end loop;
      end $$;`);
  }
}
