import { Migration } from '@mikro-orm/migrations';

/**
 * The care schedule's frequency cap counts a customer's recent marketing tasks once per candidate
 * (care-sql.ts `marketingAllowed`). Under row-level security that count also carries the tenant
 * policy's `organization_id = (select app_organization_id())`, and with care_task statistics from
 * before the run (few or no rows) the planner ANDed a bitmap of the customer's tasks with one of the
 * whole organization's (care_task_organization_status_due_index), for every candidate: at 100,000
 * customers the holiday greetings took 58 s instead of 7 s and the wake-ups did not finish.
 * An index on the customer and the policy's column answers both in one probe. The customer leads:
 * an index led by organization_id alone would be one more (and the smallest) candidate for
 * care_task_exists' probe, which with such statistics the planner may then pick over the unique
 * (organization_id, dedupe_key) index and scan the organization's tasks (measured: 4 s instead of
 * 0.6 s for the birthdays).
 */
export class Migration20261204010000_care_task_tenant_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "care_task_customer_organization_created_index" on "care_task" ("customer_id", "organization_id", "created_at");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "care_task_customer_organization_created_index";`);
  }
}
