import { Migration } from '@mikro-orm/migrations';

/** 自定义报表: saved custom report definitions (catalogue codes as JSON), unique by name per organization. */
export class Migration20261202110000_custom_reports extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "saved_report" ("id" uuid not null, "organization_id" uuid not null,
      "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(),
      "name" varchar(50) not null, "description" varchar(500) null, "definition" jsonb not null,
      "created_by_id" uuid null, "version" int not null default 1,
      constraint "saved_report_pkey" primary key ("id"));`);
    this.addSql(
      `alter table "saved_report" add constraint "saved_report_organization_id_name_unique" unique ("organization_id", "name");`,
    );
    this.addSql(
      `alter table "saved_report" add constraint "saved_report_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "saved_report" add constraint "saved_report_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "saved_report" add constraint saved_report_definition_check check (jsonb_typeof(definition) = 'object');`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "saved_report" cascade;`);
  }
}
