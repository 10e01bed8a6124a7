import { Migration } from '@mikro-orm/migrations';

/** Generated: catalogue, staff schedules, appointments, visits and stock (guards: the next migration). */
export class Migration20261122161209_catalogue_appointments_visits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "contraindication_severity" as enum ('AVOID', 'CAUTION');`);
    this.addSql(`create type "stock_movement_reason" as enum ('RECEIPT', 'VISIT_USE', 'ADJUSTMENT');`);
    this.addSql(`create type "schedule_exception_kind" as enum ('LEAVE', 'EXTRA_SHIFT');`);
    this.addSql(
      `create type "appointment_status" as enum ('BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED', 'CANCELLED', 'NO_SHOW');`,
    );
    this.addSql(`create type "booking_channel" as enum ('FRONT_DESK', 'PHONE', 'WECHAT', 'POS', 'ONLINE');`);
    this.addSql(
      `create type "visit_effect" as enum ('SYMPTOM_RELIEF', 'COMFORTABLE', 'NO_NOTICEABLE_CHANGE', 'DISCOMFORT');`,
    );
    this.addSql(
      `create table "contraindication_tag" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(50) not null, "severity" "contraindication_severity" not null, "description" varchar(500) null, "special_condition_kinds" text[] not null, "allergy_categories" text[] not null, "keywords" text[] not null, constraint "contraindication_tag_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "contraindication_tag" add constraint "contraindication_tag_organization_id_name_unique" unique ("organization_id", "name");`,
    );

    this.addSql(
      `create table "product" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(30) not null, "name" varchar(100) not null, "brand" varchar(50) null, "spec" varchar(50) null, "unit" varchar(10) not null, "cost" int not null, "price" int not null, "low_stock_threshold" int not null default 0, "active" boolean not null default true, "version" int not null default 1, constraint "product_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "product" add constraint "product_organization_id_code_unique" unique ("organization_id", "code");`,
    );

    this.addSql(
      `create table "service_item" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(20) not null, "name" varchar(100) not null, "category" varchar(50) not null, "description" text null, "duration_minutes" int not null, "buffer_minutes" int not null default 0, "price" int not null, "room_kind" varchar(50) null, "active" boolean not null default true, "version" int not null default 1, constraint "service_item_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "service_item" add constraint "service_item_organization_id_code_unique" unique ("organization_id", "code");`,
    );

    this.addSql(
      `create table "service_item_contraindication" ("service_item_id" uuid not null, "contraindication_tag_id" uuid not null, constraint "service_item_contraindication_pkey" primary key ("service_item_id", "contraindication_tag_id"));`,
    );

    this.addSql(
      `create table "room" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "store_id" uuid not null, "name" varchar(50) not null, "kind" varchar(50) not null, "active" boolean not null default true, constraint "room_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "room" add constraint "room_store_id_name_unique" unique ("store_id", "name");`);

    this.addSql(
      `create table "product_stock" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "store_id" uuid not null, "product_id" uuid not null, "quantity" int not null default 0, "low_stock_threshold" int null, constraint "product_stock_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "product_stock" add constraint "product_stock_store_id_product_id_unique" unique ("store_id", "product_id");`,
    );

    this.addSql(
      `create table "stock_movement" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "store_id" uuid not null, "product_id" uuid not null, "delta" int not null, "reason" "stock_movement_reason" not null, "visit_id" uuid null, "note" varchar(200) null, "recorded_by_id" uuid null, constraint "stock_movement_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "staff_profile" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "store_id" uuid not null, "user_id" uuid not null, "title" varchar(50) null, "bookable" boolean not null default true, "active" boolean not null default true, constraint "staff_profile_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "staff_profile" add constraint "staff_profile_store_id_user_id_unique" unique ("store_id", "user_id");`,
    );

    this.addSql(
      `create table "staff_profile_service" ("staff_profile_id" uuid not null, "service_item_id" uuid not null, constraint "staff_profile_service_pkey" primary key ("staff_profile_id", "service_item_id"));`,
    );

    this.addSql(
      `create table "schedule_exception" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "staff_profile_id" uuid not null, "date" date not null, "kind" "schedule_exception_kind" not null, "starts_at" time(0) null, "ends_at" time(0) null, "note" varchar(200) null, constraint "schedule_exception_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "appointment" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "store_id" uuid not null, "customer_id" uuid not null, "status" "appointment_status" not null default 'BOOKED', "channel" "booking_channel" not null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "health_review_required" boolean not null default false, "notes" varchar(500) null, "confirmed_at" timestamptz null, "checked_in_at" timestamptz null, "completed_at" timestamptz null, "cancelled_at" timestamptz null, "cancel_reason" varchar(200) null, "no_show_at" timestamptz null, "booked_by_id" uuid null, "idempotency_key" varchar(100) null, "version" int not null default 1, constraint "appointment_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "appointment_customer_id_starts_at_index" on "appointment" ("customer_id", "starts_at");`,
    );
    this.addSql(
      `create index "appointment_store_id_starts_at_index" on "appointment" ("store_id", "starts_at");`,
    );
    this.addSql(
      `alter table "appointment" add constraint "appointment_organization_id_idempotency_key_unique" unique ("organization_id", "idempotency_key");`,
    );

    this.addSql(
      `create table "appointment_item" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "appointment_id" uuid not null, "position" smallint not null, "service_id" uuid not null, "therapist_id" uuid not null, "room_id" uuid null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "blocked_until" timestamptz not null, "blocking" boolean not null default true, constraint "appointment_item_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "appointment_item_therapist_id_starts_at_index" on "appointment_item" ("therapist_id", "starts_at");`,
    );

    this.addSql(
      `create table "visit" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "store_id" uuid not null, "customer_id" uuid not null, "appointment_id" uuid null, "visited_at" timestamptz not null, "effect" "visit_effect" null, "satisfaction" smallint null, "feedback" varchar(1000) null, "suggestions" varchar(1000) null, "next_visit_intent" varchar(200) null, "next_visit_on" date null, "condition_notes" text null, "recorded_by_id" uuid null, "version" int not null default 1, constraint "visit_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "visit" add constraint "visit_appointment_id_unique" unique ("appointment_id");`,
    );
    this.addSql(`create index "visit_store_id_visited_at_index" on "visit" ("store_id", "visited_at");`);
    this.addSql(
      `create index "visit_customer_id_visited_at_id_index" on "visit" ("customer_id", "visited_at", "id");`,
    );

    this.addSql(
      `create table "visit_line" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "visit_id" uuid not null, "position" smallint not null, "service_id" uuid not null, "therapist_id" uuid not null, "duration_minutes" int not null, "body_area" varchar(50) null, "list_price" int not null, constraint "visit_line_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "visit_line_therapist_id_visit_id_index" on "visit_line" ("therapist_id", "visit_id");`,
    );

    this.addSql(
      `create table "visit_product_use" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "line_id" uuid not null, "product_id" uuid not null, "quantity" int not null, constraint "visit_product_use_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "working_hours" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "staff_profile_id" uuid not null, "weekday" smallint not null, "starts_at" time(0) not null, "ends_at" time(0) not null, constraint "working_hours_pkey" primary key ("id"));`,
    );

    this.addSql(
      `alter table "contraindication_tag" add constraint "contraindication_tag_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "product" add constraint "product_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "service_item" add constraint "service_item_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "service_item_contraindication" add constraint "service_item_contraindication_service_item_id_foreign" foreign key ("service_item_id") references "service_item" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "service_item_contraindication" add constraint "service_item_contraindication_contraindication_tag_id_foreign" foreign key ("contraindication_tag_id") references "contraindication_tag" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "room" add constraint "room_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "room" add constraint "room_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "product_stock" add constraint "product_stock_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "product_stock" add constraint "product_stock_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "product_stock" add constraint "product_stock_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "stock_movement" add constraint "stock_movement_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "stock_movement" add constraint "stock_movement_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "stock_movement" add constraint "stock_movement_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "stock_movement" add constraint "stock_movement_recorded_by_id_foreign" foreign key ("recorded_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "staff_profile" add constraint "staff_profile_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "staff_profile" add constraint "staff_profile_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "staff_profile" add constraint "staff_profile_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "staff_profile_service" add constraint "staff_profile_service_staff_profile_id_foreign" foreign key ("staff_profile_id") references "staff_profile" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "staff_profile_service" add constraint "staff_profile_service_service_item_id_foreign" foreign key ("service_item_id") references "service_item" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "schedule_exception" add constraint "schedule_exception_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "schedule_exception" add constraint "schedule_exception_staff_profile_id_foreign" foreign key ("staff_profile_id") references "staff_profile" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "appointment" add constraint "appointment_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "appointment" add constraint "appointment_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "appointment" add constraint "appointment_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "appointment" add constraint "appointment_booked_by_id_foreign" foreign key ("booked_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "appointment_item" add constraint "appointment_item_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "appointment_item" add constraint "appointment_item_appointment_id_foreign" foreign key ("appointment_id") references "appointment" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "appointment_item" add constraint "appointment_item_service_id_foreign" foreign key ("service_id") references "service_item" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "appointment_item" add constraint "appointment_item_therapist_id_foreign" foreign key ("therapist_id") references "app_user" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "appointment_item" add constraint "appointment_item_room_id_foreign" foreign key ("room_id") references "room" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "visit" add constraint "visit_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "visit" add constraint "visit_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "visit" add constraint "visit_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "visit" add constraint "visit_appointment_id_foreign" foreign key ("appointment_id") references "appointment" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "visit" add constraint "visit_recorded_by_id_foreign" foreign key ("recorded_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "visit_line" add constraint "visit_line_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "visit_line" add constraint "visit_line_visit_id_foreign" foreign key ("visit_id") references "visit" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "visit_line" add constraint "visit_line_service_id_foreign" foreign key ("service_id") references "service_item" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "visit_line" add constraint "visit_line_therapist_id_foreign" foreign key ("therapist_id") references "app_user" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "visit_product_use" add constraint "visit_product_use_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "visit_product_use" add constraint "visit_product_use_line_id_foreign" foreign key ("line_id") references "visit_line" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "visit_product_use" add constraint "visit_product_use_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "working_hours" add constraint "working_hours_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "working_hours" add constraint "working_hours_staff_profile_id_foreign" foreign key ("staff_profile_id") references "staff_profile" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`alter table "store" add column "allow_negative_stock" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "service_item_contraindication" drop constraint "service_item_contraindication_contraindication_tag_id_foreign";`,
    );

    this.addSql(`alter table "product_stock" drop constraint "product_stock_product_id_foreign";`);

    this.addSql(`alter table "stock_movement" drop constraint "stock_movement_product_id_foreign";`);

    this.addSql(`alter table "visit_product_use" drop constraint "visit_product_use_product_id_foreign";`);

    this.addSql(
      `alter table "service_item_contraindication" drop constraint "service_item_contraindication_service_item_id_foreign";`,
    );

    this.addSql(
      `alter table "staff_profile_service" drop constraint "staff_profile_service_service_item_id_foreign";`,
    );

    this.addSql(`alter table "appointment_item" drop constraint "appointment_item_service_id_foreign";`);

    this.addSql(`alter table "visit_line" drop constraint "visit_line_service_id_foreign";`);

    this.addSql(`alter table "appointment_item" drop constraint "appointment_item_room_id_foreign";`);

    this.addSql(
      `alter table "staff_profile_service" drop constraint "staff_profile_service_staff_profile_id_foreign";`,
    );

    this.addSql(
      `alter table "schedule_exception" drop constraint "schedule_exception_staff_profile_id_foreign";`,
    );

    this.addSql(`alter table "working_hours" drop constraint "working_hours_staff_profile_id_foreign";`);

    this.addSql(`alter table "appointment_item" drop constraint "appointment_item_appointment_id_foreign";`);

    this.addSql(`alter table "visit" drop constraint "visit_appointment_id_foreign";`);

    this.addSql(`alter table "visit_line" drop constraint "visit_line_visit_id_foreign";`);

    this.addSql(`alter table "visit_product_use" drop constraint "visit_product_use_line_id_foreign";`);

    this.addSql(`drop table if exists "contraindication_tag" cascade;`);

    this.addSql(`drop table if exists "product" cascade;`);

    this.addSql(`drop table if exists "service_item" cascade;`);

    this.addSql(`drop table if exists "service_item_contraindication" cascade;`);

    this.addSql(`drop table if exists "room" cascade;`);

    this.addSql(`drop table if exists "product_stock" cascade;`);

    this.addSql(`drop table if exists "stock_movement" cascade;`);

    this.addSql(`drop table if exists "staff_profile" cascade;`);

    this.addSql(`drop table if exists "staff_profile_service" cascade;`);

    this.addSql(`drop table if exists "schedule_exception" cascade;`);

    this.addSql(`drop table if exists "appointment" cascade;`);

    this.addSql(`drop table if exists "appointment_item" cascade;`);

    this.addSql(`drop table if exists "visit" cascade;`);

    this.addSql(`drop table if exists "visit_line" cascade;`);

    this.addSql(`drop table if exists "visit_product_use" cascade;`);

    this.addSql(`drop table if exists "working_hours" cascade;`);

    this.addSql(`alter table "store" drop column "allow_negative_stock";`);

    this.addSql(`drop type "contraindication_severity";`);
    this.addSql(`drop type "stock_movement_reason";`);
    this.addSql(`drop type "schedule_exception_kind";`);
    this.addSql(`drop type "appointment_status";`);
    this.addSql(`drop type "booking_channel";`);
    this.addSql(`drop type "visit_effect";`);
  }
}
