import { Migration } from '@mikro-orm/migrations';

/**
 * `customer_tally_compact()` also removes an organization's rows that sum to nothing (its customers
 * all deleted, or the organization gone): it kept one zero row per such organization for ever. No row
 * counts as zero (`coalesce(sum(…), 0)`), so the counts stay exact. CREATE OR REPLACE keeps the
 * function's owner and privileges (EXECUTE for wellness_jobs only).
 */
export class Migration20261208020000_tally_compact_zero extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      compactFunction(
        `count(*) > 1 or (sum(live) = 0 and sum(archived) = 0)`,
        'having sum(live) <> 0 or sum(archived) <> 0',
      ),
    );
  }

  override async down(): Promise<void> {
    this.addSql(compactFunction('count(*) > 1', ''));
  }
}

function compactFunction(folds: string, keeps: string): string {
  return `create or replace function customer_tally_compact() returns bigint language sql security definer
    set search_path = public, pg_temp as $fn$
      with folded as (
        delete from customer_tally t
         where t.organization_id in (select organization_id from customer_tally group by organization_id having ${folds})
        returning t.organization_id, t.live, t.archived),
      kept as (
        insert into customer_tally (organization_id, live, archived)
        select organization_id, sum(live), sum(archived) from folded group by organization_id ${keeps})
      select count(*) from folded
    $fn$;`;
}
