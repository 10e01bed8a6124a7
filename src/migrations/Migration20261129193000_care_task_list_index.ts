import { Migration } from '@mikro-orm/migrations';

/**
 * `careTasks` lists an organization's tasks of one status by due date: one index range per page.
 * `care_task_exists` lets the care generators skip candidates whose task exists before the costlier
 * consent and cap checks. It is PL/pgSQL on purpose: it is never inlined into the generator's plan,
 * so it always probes the unique index, also when the planner's statistics still think care_task is
 * empty (a first run over 100k customers otherwise chose a nested loop over a sequential scan).
 */
export class Migration20261129193000_care_task_list_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "care_task_organization_status_due_index" on "care_task" ("organization_id", "status", "due_at", "id");`,
    );
    this.addSql(`create function care_task_exists(organization uuid, key text) returns boolean
      language plpgsql stable as $$
      begin
        return exists (select 1 from care_task where organization_id = organization and dedupe_key = key);
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function care_task_exists(uuid, text);`);
    this.addSql(`drop index "care_task_organization_status_due_index";`);
  }
}
