import { Migration } from '@mikro-orm/migrations';

/**
 * 档案查阅审批 and break-glass (issue 17).
 *
 * - `health_access_request`: a request to read parts of one customer's health record beyond one's
 *   role, and once approved the grant (approved_at .. expires_at, at most 8 hours, unless revoked).
 *   The CHECKs keep the lifecycle whole: granted sections ⊆ requested, a grant has its times, a
 *   decided row its decision time; one pending request per requester and customer. Expiry is a comparison with now(), so no job ends a grant.
 * - `audit_event.grant_id`: the grant a health read rested on.
 * - audit action BREAK_GLASS and care task kind BREAK_GLASS_REVIEW.
 */
export class Migration20261203110000_health_access extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type "audit_action" add value if not exists 'BREAK_GLASS';`);
    this.addSql(`alter type "care_task_kind" add value if not exists 'BREAK_GLASS_REVIEW';`);
    this.addSql(`create type "health_access_kind" as enum ('APPROVAL', 'BREAK_GLASS');`);
    this.addSql(
      `create type "health_access_status" as enum ('PENDING', 'APPROVED', 'REFUSED', 'WITHDRAWN', 'REVOKED');`,
    );
    this.addSql(
      `create table "health_access_request" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "requester_id" uuid not null, "store_id" uuid null, "kind" "health_access_kind" not null, "status" "health_access_status" not null default 'PENDING', "requested_sections" text[] not null, "reason" text not null, "granted_sections" text[] null, "decided_by_id" uuid null, "decided_at" timestamptz null, "decision_note" text null, "approved_at" timestamptz null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "version" int not null default 1, constraint "health_access_request_pkey" primary key ("id"), constraint health_access_request_sections_check check (cardinality(requested_sections) > 0 and requested_sections <@ array['SAFETY', 'HISTORY', 'ASSESSMENT', 'NOTES']::text[] and (granted_sections is null or granted_sections <@ requested_sections)), constraint health_access_request_grant_check check ((status = 'APPROVED' or status = 'REVOKED') = (approved_at is not null and expires_at is not null and cardinality(granted_sections) > 0) and (expires_at is null or (expires_at > approved_at and expires_at <= approved_at + '08:00:00'::interval))), constraint health_access_request_decided_check check ((status = 'PENDING') = (decided_at is null) and (status <> 'REVOKED' or revoked_at is not null)));`,
    );
    this.addSql(
      `create index "health_access_request_organization_id_requester_id_f023c_index" on "health_access_request" ("organization_id", "requester_id", "status", "expires_at");`,
    );
    this.addSql(
      `create index "health_access_request_organization_id_customer_id__158e2_index" on "health_access_request" ("organization_id", "customer_id", "created_at");`,
    );
    this.addSql(
      `create index "health_access_request_organization_id_status_created_at_index" on "health_access_request" ("organization_id", "status", "created_at");`,
    );
    this.addSql(
      `create unique index health_access_request_pending_unique on health_access_request (organization_id, requester_id, customer_id) where status = 'PENDING';`,
    );
    for (const [column, table, rule] of [
      ['organization_id', 'organization', 'cascade'],
      ['customer_id', 'customer', undefined],
      ['requester_id', 'app_user', undefined],
      ['store_id', 'store', 'set null'],
      ['decided_by_id', 'app_user', 'set null'],
    ] as const)
      this.addSql(
        `alter table "health_access_request" add constraint "health_access_request_${column}_foreign" foreign key ("${column}") references "${table}" ("id") on update cascade${rule ? ` on delete ${rule}` : ''};`,
      );
    this.addSql(`alter table "audit_event" add column "grant_id" uuid null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_event" drop column "grant_id";`);
    this.addSql(`drop table if exists "health_access_request" cascade;`);
    this.addSql(`drop type "health_access_status";`);
    this.addSql(`drop type "health_access_kind";`);
  }
}
