import { Migration } from '@mikro-orm/migrations';

/**
 * Per-integration external ids (issue 16, "same externalId from two integrations"). Existing
 * `customer.external_id` values stay where they are, as the integration `legacy` (the organization's
 * own number: staff, the import's 会员卡号, API keys before this table): nothing is copied.
 */
export class Migration20261203130000_customer_external_ids extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "customer_external_id" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "integration" varchar(100) not null, "external_id" varchar(100) not null, constraint "customer_external_id_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "customer_external_id" add constraint "customer_external_id_integration_unique" unique ("organization_id", "integration", "external_id");`,
    );
    this.addSql(
      `create index "customer_external_id_organization_id_external_id_index" on "customer_external_id" ("organization_id", "external_id");`,
    );
    this.addSql(
      `create index "customer_external_id_customer_id_index" on "customer_external_id" ("customer_id");`,
    );
    this.addSql(
      `alter table "customer_external_id" add constraint "customer_external_id_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "customer_external_id" add constraint "customer_external_id_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "customer_external_id" cascade;`);
  }
}
