import { Migration } from '@mikro-orm/migrations';

/**
 * Membership tiers, tier history and visit settlements (checkout). Tables generated from the
 * entities; the guards after them are hand-written.
 */
export class Migration20261122205633_tiers_checkout extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "membership_tier" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(30) not null, "rank" int not null, "discount_basis_points" int not null default 0, "points_multiplier_percent" int not null default 100, "benefits" varchar(500) null, "min_spend" int not null default 0, "min_visits" int not null default 0, constraint "membership_tier_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "membership_tier" add constraint "membership_tier_organization_id_name_unique" unique ("organization_id", "name");`,
    );
    this.addSql(
      `alter table "membership_tier" add constraint "membership_tier_organization_id_rank_unique" unique ("organization_id", "rank");`,
    );
    this.addSql(
      `create table "tier_change" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "from_tier_id" uuid null, "to_tier_id" uuid null, "reason" varchar(200) not null, constraint "tier_change_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "settlement" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "visit_id" uuid not null, "customer_id" uuid not null, "tier_id" uuid null, "subtotal" bigint not null, "discount" bigint not null, "due" bigint not null, "stored_value_paid" bigint not null, "points_redeemed" int not null, "points_value" bigint not null, "external_payments" jsonb not null, "punches_used" int not null, "points_earned" int not null, "operation_id" uuid not null, constraint "settlement_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "settlement" add constraint "settlement_visit_id_unique" unique ("visit_id");`);
    this.addSql(
      `alter table "membership_tier" add constraint "membership_tier_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "tier_change" add constraint "tier_change_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "tier_change" add constraint "tier_change_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "tier_change" add constraint "tier_change_from_tier_id_foreign" foreign key ("from_tier_id") references "membership_tier" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "tier_change" add constraint "tier_change_to_tier_id_foreign" foreign key ("to_tier_id") references "membership_tier" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "settlement" add constraint "settlement_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "settlement" add constraint "settlement_visit_id_foreign" foreign key ("visit_id") references "visit" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "settlement" add constraint "settlement_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "settlement" add constraint "settlement_tier_id_foreign" foreign key ("tier_id") references "membership_tier" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "organization" add column "point_value_minor_units" int not null default 1, add column "tier_window_days" int not null default 365, add column "referral_reward_points" int not null default 500;`,
    );
    this.addSql(
      `alter table "customer" add column "tier_id" uuid null, add column "referral_rewarded_at" timestamptz null;`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_tier_id_foreign" foreign key ("tier_id") references "membership_tier" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table membership_tier add constraint membership_tier_values_check check (rank >= 0 and discount_basis_points between 0 and 10000 and points_multiplier_percent between 0 and 1000 and min_spend >= 0 and min_visits >= 0);`,
    );
    this.addSql(
      `alter table settlement add constraint settlement_amounts_check check (subtotal >= 0 and discount between 0 and subtotal and due = subtotal - discount and stored_value_paid >= 0 and points_redeemed >= 0 and points_value >= 0 and points_earned >= 0);`,
    );
    this.addSql(`create index settlement_customer_index on settlement (customer_id, created_at);`);
    this.addSql(`create index tier_change_customer_index on tier_change (customer_id, created_at desc);`);
    this.addSql(
      `alter table organization add constraint organization_membership_check check (points_per_yuan >= 0 and point_value_minor_units > 0 and tier_window_days > 0 and referral_reward_points >= 0);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table organization drop constraint organization_membership_check;`);
    this.addSql(`alter table customer drop constraint customer_tier_id_foreign;`);
    this.addSql(`alter table customer drop column tier_id, drop column referral_rewarded_at;`);
    this.addSql(
      `alter table organization drop column point_value_minor_units, drop column tier_window_days, drop column referral_reward_points;`,
    );
    this.addSql(`drop table if exists settlement cascade;`);
    this.addSql(`drop table if exists tier_change cascade;`);
    this.addSql(`drop table if exists membership_tier cascade;`);
  }
}
