import { Migration } from '@mikro-orm/migrations';

/**
 * How many customers an organization has, kept by the database (issue 12): the customers page's
 * `totalCount` without a filter counted every live customer on every request, an index-only scan of
 * the organization's part of `customer_live_index` (0.9 ms of the list page's 3.9 ms of PostgreSQL
 * CPU at 10,000 customers; at 1,000,000 a count per page is some 90 ms).
 *
 * `customer_tally` holds deltas, not one row per organization: every statement that inserts, deletes
 * or archives customers appends a row (per organization it touched) with what it added to `live`
 * (archived_at null) and `archived`. Appending takes no lock another writer waits for; a single
 * counter row would have serialised every customer insert of an organization behind the open
 * transaction holding it (an import's chunk, a merge), and made lock-order deadlocks possible. The
 * sum of an organization's rows is its count, exact in every snapshot, since a delta commits with
 * the customers it counts. `customer_tally_compact()` (the hourly `customer-tally` job) folds each
 * organization's rows into one.
 *
 * Requests only read it (row-level security as every tenant table); the triggers and the compaction
 * are SECURITY DEFINER, as the owner.
 */
export class Migration20261207010000_customer_tally extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table customer_tally (
      organization_id uuid not null,
      live bigint not null,
      archived bigint not null);`);
    this.addSql(
      `create index customer_tally_organization_index on customer_tally (organization_id) include (live, archived);`,
    );
    this.addSql(`select tenancy_protect('customer_tally');`);

    const definer = (name: string, body: string) =>
      this.addSql(`create function ${name}() returns trigger language plpgsql security definer
        set search_path = public, pg_temp as $fn$
        begin
          ${body}
          return null;
        end $fn$;`);
    // Inserts and deletes by statement (an import's chunk is one row); archiving by row, so the
    // trigger fires only where archived_at changed between null and set (visit counters and other
    // updates of a customer never reach it: the WHEN clause is evaluated before any function call).
    definer(
      'customer_tally_inserted',
      `insert into customer_tally (organization_id, live, archived)
       select organization_id, count(*) filter (where archived_at is null), count(*) filter (where archived_at is not null)
         from new_customers group by organization_id;`,
    );
    definer(
      'customer_tally_deleted',
      `insert into customer_tally (organization_id, live, archived)
       select organization_id, -count(*) filter (where archived_at is null), -count(*) filter (where archived_at is not null)
         from old_customers group by organization_id;`,
    );
    definer(
      'customer_tally_archived',
      `insert into customer_tally (organization_id, live, archived)
       values (old.organization_id, case when old.archived_at is null then -1 else 1 end,
                                    case when old.archived_at is null then 1 else -1 end);`,
    );
    // TRUNCATE, not DELETE: it waits for a compaction in flight, whose folded row a DELETE begun
    // before its commit would not see.
    definer('customer_tally_truncated', `truncate customer_tally;`);
    this.addSql(`create trigger customer_tally_insert after insert on customer
      referencing new table as new_customers for each statement execute function customer_tally_inserted();`);
    this.addSql(`create trigger customer_tally_delete after delete on customer
      referencing old table as old_customers for each statement execute function customer_tally_deleted();`);
    this.addSql(`create trigger customer_tally_archive after update of archived_at on customer for each row
      when ((old.archived_at is null) <> (new.archived_at is null) and old.organization_id = new.organization_id) execute function customer_tally_archived();`);
    this.addSql(`create trigger customer_tally_truncate after truncate on customer
      for each statement execute function customer_tally_truncated();`);
    // An organization is never moved, but a customer row that were would keep both counts right.
    this.addSql(`create function customer_tally_moved() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $fn$
      begin
        insert into customer_tally (organization_id, live, archived) values
          (old.organization_id, case when old.archived_at is null then -1 else 0 end, case when old.archived_at is null then 0 else -1 end),
          (new.organization_id, case when new.archived_at is null then 1 else 0 end, case when new.archived_at is null then 0 else 1 end);
        return null;
      end $fn$;`);
    this.addSql(`create trigger customer_tally_move after update of organization_id on customer for each row
      when (old.organization_id <> new.organization_id) execute function customer_tally_moved();`);

    // One statement: rows it deletes are summed into the row it inserts; a delta committed meanwhile
    // is outside its snapshot and stays; a row another compaction deleted first is skipped.
    this.addSql(`create function customer_tally_compact() returns bigint language sql security definer
      set search_path = public, pg_temp as $fn$
        with folded as (
          delete from customer_tally t
           where t.organization_id in (select organization_id from customer_tally group by organization_id having count(*) > 1)
          returning t.organization_id, t.live, t.archived),
        kept as (
          insert into customer_tally (organization_id, live, archived)
          select organization_id, sum(live), sum(archived) from folded group by organization_id)
        select count(*) from folded
      $fn$;`);
    this.addSql(`revoke all on function customer_tally_compact() from public;`);
    this.addSql(`do $$ begin
      if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
        revoke insert, update, delete, truncate on customer_tally from wellness_runtime;
        grant select on customer_tally to wellness_runtime;
      end if;
      if exists (select 1 from pg_roles where rolname = 'wellness_jobs') then
        grant execute on function customer_tally_compact() to wellness_jobs;
      end if;
    end $$;`);

    this.addSql(`insert into customer_tally (organization_id, live, archived)
      select organization_id, count(*) filter (where archived_at is null), count(*) filter (where archived_at is not null)
        from customer group by organization_id;`);
  }

  override async down(): Promise<void> {
    for (const trigger of ['insert', 'delete', 'archive', 'truncate', 'move'])
      this.addSql(`drop trigger if exists customer_tally_${trigger} on customer;`);
    for (const name of ['inserted', 'deleted', 'archived', 'truncated', 'moved'])
      this.addSql(`drop function if exists customer_tally_${name}();`);
    this.addSql(`drop function if exists customer_tally_compact();`);
    this.addSql(`drop table if exists customer_tally;`);
  }
}
