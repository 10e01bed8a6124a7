import { Migration } from '@mikro-orm/migrations';

/**
 * Communications and care: 沟通记录, care tasks (unique dedupe key per organization, so a re-run or a
 * second worker never creates a task twice), complaints with their 24 h / 48 h deadlines, marketing
 * consent per channel, do-not-contact and frequency caps, and the organization's care settings.
 */
export class Migration20261129181647_care extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create type "contact_channel" as enum ('PHONE', 'WECHAT', 'FACE_TO_FACE', 'SMS', 'EMAIL', 'OTHER');`,
    );
    this.addSql(`create type "complaint_status" as enum ('OPEN', 'RESPONDED', 'RESOLVED');`);
    this.addSql(
      `create type "care_task_kind" as enum ('VISIT_FOLLOW_UP', 'BIRTHDAY', 'HOLIDAY', 'DORMANT_WAKE_UP', 'PUNCH_CARD_EXPIRY', 'LOW_BALANCE', 'COMPLAINT_RESPONSE_OVERDUE', 'COMPLAINT_RESOLUTION_OVERDUE', 'COMPLAINT_FOLLOW_UP');`,
    );
    this.addSql(`create type "care_purpose" as enum ('SERVICE', 'MARKETING');`);
    this.addSql(`create type "follow_up_status" as enum ('OPEN', 'DONE', 'CANCELLED');`);
    this.addSql(
      `create table "contact_consent" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "channel" "contact_channel" not null, "granted" boolean not null, "source" varchar(100) not null, "recorded_at" timestamptz not null, "recorded_by_id" uuid null, constraint "contact_consent_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "contact_consent" add constraint "contact_consent_customer_id_channel_unique" unique ("customer_id", "channel");`,
    );
    this.addSql(
      `create table "complaint" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "store_id" uuid not null, "received_at" timestamptz not null, "channel" "contact_channel" not null, "subject" varchar(200) not null, "description" text not null, "visit_id" uuid null, "therapist_id" uuid null, "handling_plan" text null, "result" text null, "satisfaction_after" smallint null, "owner_id" uuid null, "status" "complaint_status" not null default 'OPEN', "respond_by" timestamptz not null, "resolve_by" timestamptz not null, "responded_at" timestamptz null, "resolved_at" timestamptz null, "recorded_by_id" uuid null, "version" int not null default 1, constraint "complaint_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "complaint_organization_id_received_at_id_index" on "complaint" ("organization_id", "received_at", "id");`,
    );
    this.addSql(
      `create index "complaint_customer_id_received_at_id_index" on "complaint" ("customer_id", "received_at", "id");`,
    );
    this.addSql(
      `create table "care_task" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "store_id" uuid null, "kind" "care_task_kind" not null, "purpose" "care_purpose" not null, "reason" text not null, "suggested_channel" "contact_channel" not null, "owner_id" uuid null, "available_from" timestamptz not null, "due_at" timestamptz not null, "status" "follow_up_status" not null default 'OPEN', "dedupe_key" varchar(200) not null, "visit_id" uuid null, "complaint_id" uuid null, "account_id" uuid null, "completed_at" timestamptz null, "completed_by_id" uuid null, "outcome" text null, "version" int not null default 1, constraint "care_task_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "care_task_customer_id_kind_created_at_index" on "care_task" ("customer_id", "kind", "created_at");`,
    );
    this.addSql(
      `create index "care_task_owner_id_status_due_at_index" on "care_task" ("owner_id", "status", "due_at");`,
    );
    this.addSql(
      `alter table "care_task" add constraint "care_task_organization_id_dedupe_key_unique" unique ("organization_id", "dedupe_key");`,
    );
    this.addSql(
      `create table "communication_entry" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "store_id" uuid null, "occurred_at" timestamptz not null, "channel" "contact_channel" not null, "summary" text not null, "follow_up_items" text null, "owner_id" uuid null, "due_at" timestamptz null, "status" "follow_up_status" not null default 'OPEN', "care_task_id" uuid null, "recorded_by_id" uuid null, "version" int not null default 1, constraint "communication_entry_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "communication_entry_owner_id_status_due_at_index" on "communication_entry" ("owner_id", "status", "due_at");`,
    );
    this.addSql(
      `create index "communication_entry_customer_id_occurred_at_id_index" on "communication_entry" ("customer_id", "occurred_at", "id");`,
    );
    this.addSql(
      `alter table "contact_consent" add constraint "contact_consent_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "contact_consent" add constraint "contact_consent_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "contact_consent" add constraint "contact_consent_recorded_by_id_foreign" foreign key ("recorded_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "complaint" add constraint "complaint_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "complaint" add constraint "complaint_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "complaint" add constraint "complaint_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "complaint" add constraint "complaint_visit_id_foreign" foreign key ("visit_id") references "visit" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "complaint" add constraint "complaint_therapist_id_foreign" foreign key ("therapist_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "complaint" add constraint "complaint_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "complaint" add constraint "complaint_recorded_by_id_foreign" foreign key ("recorded_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "care_task" add constraint "care_task_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "care_task" add constraint "care_task_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "care_task" add constraint "care_task_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "care_task" add constraint "care_task_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "care_task" add constraint "care_task_visit_id_foreign" foreign key ("visit_id") references "visit" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "care_task" add constraint "care_task_complaint_id_foreign" foreign key ("complaint_id") references "complaint" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "care_task" add constraint "care_task_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "care_task" add constraint "care_task_completed_by_id_foreign" foreign key ("completed_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "communication_entry" add constraint "communication_entry_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "communication_entry" add constraint "communication_entry_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "communication_entry" add constraint "communication_entry_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "communication_entry" add constraint "communication_entry_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "communication_entry" add constraint "communication_entry_care_task_id_foreign" foreign key ("care_task_id") references "care_task" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "communication_entry" add constraint "communication_entry_recorded_by_id_foreign" foreign key ("recorded_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "organization" add column "visit_follow_up_after_hours" int not null default 24, add column "visit_follow_up_within_hours" int not null default 48, add column "greeting_lead_days" int not null default 3, add column "wake_up_after_days" int null, add column "card_expiry_reminder_days" int not null default 14, add column "low_balance_threshold" bigint not null default 10000, add column "marketing_cap_count" int not null default 4, add column "marketing_cap_days" int not null default 30, add column "care_holidays" jsonb not null default '[]';`,
    );
    this.addSql(
      `alter table "customer" add column "do_not_contact" boolean not null default false, add column "preferred_channel" "contact_channel" null, add column "marketing_cap_count" int null, add column "marketing_cap_days" int null;`,
    );
    this.addSql(
      `alter table "complaint" add constraint complaint_satisfaction_check check (satisfaction_after is null or satisfaction_after between 1 and 5);`,
    );
    this.addSql(
      `alter table "complaint" add constraint complaint_deadlines_check check (respond_by > received_at and resolve_by >= respond_by);`,
    );
    this.addSql(
      `alter table "complaint" add constraint complaint_status_check check ((status = 'OPEN') = (responded_at is null) and (status = 'RESOLVED') = (resolved_at is not null));`,
    );
    this.addSql(
      `alter table "care_task" add constraint care_task_window_check check (available_from <= due_at);`,
    );
    this.addSql(
      `alter table "care_task" add constraint care_task_done_check check ((status = 'OPEN') = (completed_at is null));`,
    );
    this.addSql(
      `create index "care_task_complaint_index" on "care_task" ("complaint_id") where complaint_id is not null;`,
    );
    this.addSql(
      `create index "complaint_open_deadlines_index" on "complaint" ("organization_id", "resolve_by") where status <> 'RESOLVED';`,
    );
    this.addSql(
      `alter table "organization" add constraint organization_care_check check (visit_follow_up_after_hours >= 0 and visit_follow_up_within_hours > visit_follow_up_after_hours and greeting_lead_days between 0 and 60 and (wake_up_after_days is null or wake_up_after_days > 0) and card_expiry_reminder_days >= 0 and low_balance_threshold >= 0 and marketing_cap_count >= 0 and marketing_cap_days > 0);`,
    );
    this.addSql(
      `alter table "customer" add constraint customer_marketing_cap_check check ((marketing_cap_count is null) = (marketing_cap_days is null) and (marketing_cap_count is null or (marketing_cap_count >= 0 and marketing_cap_days > 0)));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "communication_entry" cascade;`);
    this.addSql(`drop table if exists "care_task" cascade;`);
    this.addSql(`drop table if exists "complaint" cascade;`);
    this.addSql(`drop table if exists "contact_consent" cascade;`);
    this.addSql(
      `alter table "customer" drop constraint customer_marketing_cap_check, drop column "do_not_contact", drop column "preferred_channel", drop column "marketing_cap_count", drop column "marketing_cap_days";`,
    );
    this.addSql(
      `alter table "organization" drop constraint organization_care_check, drop column "visit_follow_up_after_hours", drop column "visit_follow_up_within_hours", drop column "greeting_lead_days", drop column "wake_up_after_days", drop column "card_expiry_reminder_days", drop column "low_balance_threshold", drop column "marketing_cap_count", drop column "marketing_cap_days", drop column "care_holidays";`,
    );
    this.addSql(`drop type "contact_channel";`);
    this.addSql(`drop type "complaint_status";`);
    this.addSql(`drop type "care_task_kind";`);
    this.addSql(`drop type "care_purpose";`);
    this.addSql(`drop type "follow_up_status";`);
  }
}
