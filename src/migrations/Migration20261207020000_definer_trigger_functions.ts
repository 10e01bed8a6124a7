import { Migration } from '@mikro-orm/migrations';

/**
 * SECURITY DEFINER trigger functions kept PostgreSQL's default EXECUTE for PUBLIC (found by a review
 * of the customer tally). A trigger function cannot be called, but anyone with EXECUTE may attach it
 * to a table of their own: a runtime-role session could create a temp table with the columns a
 * function reads, put `customer_tally_inserted` (or a report rollup's function) on it and make the
 * owner append any organization's counts or rollups, past row-level security; `customer_tally_truncated`
 * on a temp table's TRUNCATE wiped every organization's tally. EXECUTE is checked when a trigger is
 * created, not when it fires, so the triggers the owner created keep working. Every such function of
 * the schema, those of earlier migrations included; test/tenancy/definer-functions.test.ts fails for
 * a later one that a runtime-role session could still attach.
 */
export class Migration20261207020000_definer_trigger_functions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      do $$
      declare f record;
      begin
        for f in select p.oid::regprocedure as signature from pg_proc p
                   join pg_namespace n on n.oid = p.pronamespace
                  where n.nspname = 'public' and p.prosecdef and p.prorettype = 'trigger'::regtype
        loop
          execute format('revoke execute on function %s from public', f.signature);
          if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
            execute format('revoke execute on function %s from wellness_runtime', f.signature);
          end if;
        end loop;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      do $$
      declare f record;
      begin
        for f in select p.oid::regprocedure as signature from pg_proc p
                   join pg_namespace n on n.oid = p.pronamespace
                  where n.nspname = 'public' and p.prosecdef and p.prorettype = 'trigger'::regtype
        loop
          execute format('grant execute on function %s to public', f.signature);
        end loop;
      end $$;`);
  }
}
