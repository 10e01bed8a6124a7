import { Migration } from '@mikro-orm/migrations';

/**
 * The RFM snapshots' statistics after a refresh that rewrote more rows than the planner thinks the
 * tables hold (rfm-snapshot.ts). The first refresh of a large organization fills tables that were
 * analyzed empty: until autovacuum came round (a minute or more later), the planner took
 * customer_store_rfm for two rows, sorted all 97,956 of a store for the report's first page, and the
 * store's RFM took 0.75 s instead of 3 ms, the RFM segment preview likewise (docs/benchmarks.md).
 * ANALYZE needs the tables' owner (or MAINTAIN, PostgreSQL 17+), so it runs in a SECURITY DEFINER
 * function that only analyzes these two tables and only when `written` (the rows the refresh wrote)
 * is more than pg_class says one of them holds, by a fifth and 100 rows: a nightly refresh that
 * rewrites about what was there never pays for it (autovacuum keeps those statistics). It waits at
 * most 2 s for the tables' lock (another ANALYZE, a VACUUM) and then fails, which the caller ignores.
 */
export class Migration20261210010000_rfm_snapshot_analyze extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function rfm_snapshot_analyze(written bigint) returns boolean language plpgsql
      security definer set search_path = public, pg_temp set lock_timeout = '2s' as $fn$
      declare
        known real;
      begin
        select least(greatest(s.reltuples, 0), greatest(o.reltuples, 0)) into known
          from pg_class s, pg_class o
         where s.oid = 'customer_store_rfm'::regclass and o.oid = 'customer_rfm'::regclass;
        if written is null or written <= known * 1.2 + 100 then
          return false;
        end if;
        analyze customer_rfm;
        analyze customer_store_rfm;
        return true;
      end $fn$;`);
    this.addSql(`revoke execute on function rfm_snapshot_analyze(bigint) from public;`);
    this.addSql(`do $$ begin
      if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
        grant execute on function rfm_snapshot_analyze(bigint) to wellness_runtime;
      end if;
      if exists (select 1 from pg_roles where rolname = 'wellness_jobs') then
        grant execute on function rfm_snapshot_analyze(bigint) to wellness_jobs;
      end if;
    end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function rfm_snapshot_analyze(bigint);`);
  }
}
