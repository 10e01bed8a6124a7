import { Migration } from '@mikro-orm/migrations';

export class Migration20261122110954 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create type "role" as enum ('OWNER', 'MANAGER', 'CONSULTANT', 'THERAPIST', 'FRONT_DESK', 'MARKETING', 'AUDITOR', 'INTEGRATION');`,
    );
    this.addSql(
      `create type "audit_action" as enum ('READ', 'CREATE', 'UPDATE', 'DELETE', 'ARCHIVE', 'RESTORE', 'LOGIN');`,
    );
    this.addSql(
      `create type "staff_role" as enum ('OWNER', 'MANAGER', 'CONSULTANT', 'THERAPIST', 'FRONT_DESK', 'MARKETING', 'AUDITOR');`,
    );
    this.addSql(`create type "gender" as enum ('FEMALE', 'MALE', 'OTHER', 'UNDISCLOSED');`);
    this.addSql(
      `create type "customer_source" as enum ('REFERRAL', 'ONLINE', 'COMMUNITY_EVENT', 'WALK_IN', 'OTHER');`,
    );
    this.addSql(`create type "customer_status" as enum ('ACTIVE', 'DORMANT', 'LOST');`);
    this.addSql(
      `create type "special_condition_kind" as enum ('PREGNANCY', 'BREASTFEEDING', 'MENSTRUATION', 'POST_SURGERY', 'INJURY', 'OTHER');`,
    );
    this.addSql(
      `create type "clinical_status" as enum ('ACTIVE', 'RECURRENCE', 'REMISSION', 'INACTIVE', 'RESOLVED');`,
    );
    this.addSql(
      `create type "tcm_constitution" as enum ('BALANCED', 'QI_DEFICIENCY', 'YANG_DEFICIENCY', 'YIN_DEFICIENCY', 'PHLEGM_DAMPNESS', 'DAMP_HEAT', 'BLOOD_STASIS', 'QI_STAGNATION', 'SPECIAL_DIATHESIS');`,
    );
    this.addSql(
      `create type "allergy_category" as enum ('FOOD', 'DRUG', 'ESSENTIAL_OIL', 'COSMETIC', 'ENVIRONMENT', 'OTHER');`,
    );
    this.addSql(`create type "allergy_criticality" as enum ('LOW', 'HIGH', 'UNABLE_TO_ASSESS');`);
    this.addSql(
      `create type "verification_status" as enum ('UNCONFIRMED', 'PRESUMED', 'CONFIRMED', 'REFUTED', 'ENTERED_IN_ERROR');`,
    );
    this.addSql(`create type "reaction_severity" as enum ('MILD', 'MODERATE', 'SEVERE');`);
    this.addSql(
      `create table "audit_event" ("id" bigserial primary key, "organization_id" uuid not null, "actor_user_id" uuid null, "actor_api_key_id" uuid null, "role" "role" not null, "action" "audit_action" not null, "entity_type" varchar(50) not null, "entity_id" uuid null, "customer_id" uuid null, "fields" text[] not null, "operation_name" varchar(100) null, "request_id" varchar(64) null, "occurred_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create index "audit_event_organization_id_customer_id_occurred_at_index" on "audit_event" ("organization_id", "customer_id", "occurred_at");`,
    );

    this.addSql(
      `create table "organization" ("id" uuid not null, "name" varchar(100) not null, "timezone" varchar(64) not null default 'Asia/Shanghai', "currency" varchar(3) not null default 'CNY', "dormant_after_days" int not null default 90, "lost_after_days" int not null default 180, "last_customer_number" int not null default 0, "created_at" timestamptz not null default now(), constraint "organization_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "store" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(100) not null, "code" varchar(20) not null, "timezone" varchar(64) not null default 'Asia/Shanghai', "address" varchar(200) null, "phone" varchar(20) null, constraint "store_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "store" add constraint "store_organization_id_code_unique" unique ("organization_id", "code");`,
    );

    this.addSql(
      `create table "tag" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(30) not null, "color" varchar(7) null, constraint "tag_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "tag" add constraint "tag_organization_id_name_unique" unique ("organization_id", "name");`,
    );

    this.addSql(
      `create table "app_user" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "email" varchar(254) not null, "password_hash" varchar(200) not null, "display_name" varchar(100) not null, "role" "staff_role" not null, "active" boolean not null default true, "last_login_at" timestamptz null, constraint "app_user_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);

    this.addSql(
      `create table "customer" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(20) not null, "name" varchar(50) not null, "name_pinyin" varchar(300) not null, "name_initials" varchar(50) not null, "gender" "gender" null, "birthday" date null, "phone" varchar(20) null, "phone_last4" varchar(4) null, "email" varchar(254) null, "address" varchar(300) null, "occupation" varchar(100) null, "source" "customer_source" null, "source_note" varchar(200) null, "referrer_id" uuid null, "home_store_id" uuid null, "status_override" "customer_status" null, "assigned_consultant_id" uuid null, "assigned_therapist_id" uuid null, "important_dates" jsonb not null, "preferences" jsonb not null, "notes" text null, "photo_url" varchar(500) null, "external_id" varchar(100) null, "visit_count" int not null default 0, "last_visit_at" timestamptz null, "lifetime_spend" bigint not null default 0, "archived_at" timestamptz null, "version" int not null default 1, constraint "customer_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "customer_organization_id_created_at_id_index" on "customer" ("organization_id", "created_at", "id");`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_organization_id_external_id_unique" unique ("organization_id", "external_id");`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_organization_id_phone_unique" unique ("organization_id", "phone");`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_organization_id_code_unique" unique ("organization_id", "code");`,
    );

    this.addSql(
      `create table "special_condition" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "recorded_by_id" uuid null, "recorded_at" timestamptz not null default now(), "note" text null, "kind" "special_condition_kind" not null, "description" varchar(200) null, "starts_on" date not null, "ends_on" date null, constraint "special_condition_pkey" primary key ("id"), constraint special_condition_range_check check (ends_on is null or ends_on >= starts_on));`,
    );
    this.addSql(`create index "special_condition_customer_id_index" on "special_condition" ("customer_id");`);

    this.addSql(
      `create table "medical_condition" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "recorded_by_id" uuid null, "recorded_at" timestamptz not null default now(), "note" text null, "condition" varchar(100) not null, "since" date null, "status" "clinical_status" not null default 'ACTIVE', constraint "medical_condition_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "medical_condition_customer_id_index" on "medical_condition" ("customer_id");`);

    this.addSql(
      `create table "health_profile" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "constitution" "tcm_constitution" null, "secondary_constitutions" "tcm_constitution"[] not null, "lifestyle" jsonb not null, "skin_profile" jsonb not null, "current_complaints" text[] not null, "wellness_goals" text[] not null, "notes" text null, "version" int not null default 1, constraint "health_profile_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "health_profile" add constraint "health_profile_customer_id_unique" unique ("customer_id");`,
    );

    this.addSql(
      `create table "customer_tag" ("customer_id" uuid not null, "tag_id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), constraint "customer_tag_pkey" primary key ("customer_id", "tag_id"));`,
    );

    this.addSql(
      `create table "api_key" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(100) not null, "prefix" varchar(32) not null, "secret_hash" varchar(200) not null, "scopes" text[] not null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, "created_by_id" uuid null, constraint "api_key_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "api_key" add constraint "api_key_prefix_unique" unique ("prefix");`);

    this.addSql(
      `create table "allergy" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "recorded_by_id" uuid null, "recorded_at" timestamptz not null default now(), "note" text null, "substance" varchar(100) not null, "category" "allergy_category" not null, "criticality" "allergy_criticality" null, "clinical_status" "clinical_status" not null default 'ACTIVE', "verification_status" "verification_status" not null default 'UNCONFIRMED', "reaction" varchar(200) null, "severity" "reaction_severity" null, "onset_date" date null, constraint "allergy_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "allergy_customer_id_index" on "allergy" ("customer_id");`);

    this.addSql(
      `create table "user_store" ("user_id" uuid not null, "store_id" uuid not null, constraint "user_store_pkey" primary key ("user_id", "store_id"));`,
    );

    this.addSql(
      `alter table "store" add constraint "store_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "tag" add constraint "tag_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "app_user" add constraint "app_user_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "customer" add constraint "customer_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_referrer_id_foreign" foreign key ("referrer_id") references "customer" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_home_store_id_foreign" foreign key ("home_store_id") references "store" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_assigned_consultant_id_foreign" foreign key ("assigned_consultant_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_assigned_therapist_id_foreign" foreign key ("assigned_therapist_id") references "app_user" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "special_condition" add constraint "special_condition_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "special_condition" add constraint "special_condition_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "special_condition" add constraint "special_condition_recorded_by_id_foreign" foreign key ("recorded_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "medical_condition" add constraint "medical_condition_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "medical_condition" add constraint "medical_condition_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "medical_condition" add constraint "medical_condition_recorded_by_id_foreign" foreign key ("recorded_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "health_profile" add constraint "health_profile_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "health_profile" add constraint "health_profile_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "customer_tag" add constraint "customer_tag_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "customer_tag" add constraint "customer_tag_tag_id_foreign" foreign key ("tag_id") references "tag" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "customer_tag" add constraint "customer_tag_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "api_key" add constraint "api_key_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "api_key" add constraint "api_key_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "allergy" add constraint "allergy_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "allergy" add constraint "allergy_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "allergy" add constraint "allergy_recorded_by_id_foreign" foreign key ("recorded_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "user_store" add constraint "user_store_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "user_store" add constraint "user_store_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "store" drop constraint "store_organization_id_foreign";`);

    this.addSql(`alter table "tag" drop constraint "tag_organization_id_foreign";`);

    this.addSql(`alter table "app_user" drop constraint "app_user_organization_id_foreign";`);

    this.addSql(`alter table "customer" drop constraint "customer_organization_id_foreign";`);

    this.addSql(
      `alter table "special_condition" drop constraint "special_condition_organization_id_foreign";`,
    );

    this.addSql(
      `alter table "medical_condition" drop constraint "medical_condition_organization_id_foreign";`,
    );

    this.addSql(`alter table "health_profile" drop constraint "health_profile_organization_id_foreign";`);

    this.addSql(`alter table "customer_tag" drop constraint "customer_tag_organization_id_foreign";`);

    this.addSql(`alter table "api_key" drop constraint "api_key_organization_id_foreign";`);

    this.addSql(`alter table "allergy" drop constraint "allergy_organization_id_foreign";`);

    this.addSql(`alter table "customer" drop constraint "customer_home_store_id_foreign";`);

    this.addSql(`alter table "user_store" drop constraint "user_store_store_id_foreign";`);

    this.addSql(`alter table "customer_tag" drop constraint "customer_tag_tag_id_foreign";`);

    this.addSql(`alter table "customer" drop constraint "customer_assigned_consultant_id_foreign";`);

    this.addSql(`alter table "customer" drop constraint "customer_assigned_therapist_id_foreign";`);

    this.addSql(
      `alter table "special_condition" drop constraint "special_condition_recorded_by_id_foreign";`,
    );

    this.addSql(
      `alter table "medical_condition" drop constraint "medical_condition_recorded_by_id_foreign";`,
    );

    this.addSql(`alter table "api_key" drop constraint "api_key_created_by_id_foreign";`);

    this.addSql(`alter table "allergy" drop constraint "allergy_recorded_by_id_foreign";`);

    this.addSql(`alter table "user_store" drop constraint "user_store_user_id_foreign";`);

    this.addSql(`alter table "customer" drop constraint "customer_referrer_id_foreign";`);

    this.addSql(`alter table "special_condition" drop constraint "special_condition_customer_id_foreign";`);

    this.addSql(`alter table "medical_condition" drop constraint "medical_condition_customer_id_foreign";`);

    this.addSql(`alter table "health_profile" drop constraint "health_profile_customer_id_foreign";`);

    this.addSql(`alter table "customer_tag" drop constraint "customer_tag_customer_id_foreign";`);

    this.addSql(`alter table "allergy" drop constraint "allergy_customer_id_foreign";`);

    this.addSql(`drop table if exists "audit_event" cascade;`);

    this.addSql(`drop table if exists "organization" cascade;`);

    this.addSql(`drop table if exists "store" cascade;`);

    this.addSql(`drop table if exists "tag" cascade;`);

    this.addSql(`drop table if exists "app_user" cascade;`);

    this.addSql(`drop table if exists "customer" cascade;`);

    this.addSql(`drop table if exists "special_condition" cascade;`);

    this.addSql(`drop table if exists "medical_condition" cascade;`);

    this.addSql(`drop table if exists "health_profile" cascade;`);

    this.addSql(`drop table if exists "customer_tag" cascade;`);

    this.addSql(`drop table if exists "api_key" cascade;`);

    this.addSql(`drop table if exists "allergy" cascade;`);

    this.addSql(`drop table if exists "user_store" cascade;`);

    this.addSql(`drop type "role";`);
    this.addSql(`drop type "audit_action";`);
    this.addSql(`drop type "staff_role";`);
    this.addSql(`drop type "gender";`);
    this.addSql(`drop type "customer_source";`);
    this.addSql(`drop type "customer_status";`);
    this.addSql(`drop type "special_condition_kind";`);
    this.addSql(`drop type "clinical_status";`);
    this.addSql(`drop type "tcm_constitution";`);
    this.addSql(`drop type "allergy_category";`);
    this.addSql(`drop type "allergy_criticality";`);
    this.addSql(`drop type "verification_status";`);
    this.addSql(`drop type "reaction_severity";`);
  }
}
