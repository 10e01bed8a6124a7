import { Migration } from '@mikro-orm/migrations';

/** 客户分群 (saved segments) and rule-based tags, both a JSON rule evaluated in SQL. */
export class Migration20261129191500_segments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "segment" ("id" uuid not null, "organization_id" uuid not null,
      "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(),
      "name" varchar(50) not null, "description" varchar(500) null, "rule" jsonb not null,
      "created_by_id" uuid null, "version" int not null default 1,
      constraint "segment_pkey" primary key ("id"));`);
    this.addSql(
      `alter table "segment" add constraint "segment_organization_id_name_unique" unique ("organization_id", "name");`,
    );
    this.addSql(
      `alter table "segment" add constraint "segment_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "segment" add constraint "segment_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "segment" add constraint segment_rule_check check (jsonb_typeof(rule) = 'object');`,
    );
    this.addSql(`alter table "tag" add column "rule" jsonb null;`);
    this.addSql(
      `alter table "tag" add constraint tag_rule_check check (rule is null or jsonb_typeof(rule) = 'object');`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "segment" cascade;`);
    this.addSql(`alter table "tag" drop constraint tag_rule_check, drop column "rule";`);
  }
}
