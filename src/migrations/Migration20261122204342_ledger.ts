import { Migration } from '@mikro-orm/migrations';

/**
 * Memberships on an append-only ledger: card products, accounts (stored value, points, punch cards),
 * ledger entries and idempotency records. The tables are generated from the entities; the guards after
 * them are hand-written: balances never below zero, ledger rows never updated or deleted, an entry
 * reversed at most once, one stored-value and one points account per customer.
 */
export class Migration20261122204342_ledger extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "spending_order" as enum ('BONUS_LAST', 'BONUS_FIRST', 'PROPORTIONAL');`);
    this.addSql(`create type "card_product_kind" as enum ('STORED_VALUE', 'PUNCH_CARD');`);
    this.addSql(`create type "account_kind" as enum ('STORED_VALUE', 'POINTS', 'PUNCH_CARD');`);
    this.addSql(`create type "account_status" as enum ('ACTIVE', 'FROZEN');`);
    this.addSql(
      `create type "ledger_entry_kind" as enum ('TOP_UP', 'CHARGE', 'ISSUE', 'PUNCH', 'EARN', 'REDEEM', 'EXPIRE', 'REVERSAL');`,
    );
    this.addSql(
      `create type "payment_method" as enum ('CASH', 'WECHAT_PAY', 'ALIPAY', 'BANK_CARD', 'OTHER');`,
    );
    this.addSql(
      `create table "idempotency_record" ("organization_id" uuid not null, "key" varchar(100) not null, "operation" varchar(50) not null, "request_hash" varchar(64) not null, "response" jsonb not null, "created_at" timestamptz not null default now(), constraint "idempotency_record_pkey" primary key ("organization_id", "key"));`,
    );
    this.addSql(
      `create table "card_product" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(20) not null, "name" varchar(100) not null, "kind" "card_product_kind" not null, "price" int not null, "principal" int not null default 0, "bonus" int not null default 0, "uses" int null, "validity_days" int null, "starts_on_first_use" boolean not null default false, "active" boolean not null default true, constraint "card_product_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "card_product" add constraint "card_product_organization_id_code_unique" unique ("organization_id", "code");`,
    );
    this.addSql(
      `create table "card_product_service" ("card_product_id" uuid not null, "service_item_id" uuid not null, constraint "card_product_service_pkey" primary key ("card_product_id", "service_item_id"));`,
    );
    this.addSql(
      `create table "account" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "kind" "account_kind" not null, "card_product_id" uuid null, "status" "account_status" not null default 'ACTIVE', "principal" bigint not null default 0, "bonus" bigint not null default 0, "units" int not null default 0, "validity_days" int null, "starts_on_first_use" boolean not null default false, "valid_until" timestamptz null, "first_used_at" timestamptz null, "frozen_at" timestamptz null, constraint "account_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "ledger_entry" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "account_id" uuid not null, "customer_id" uuid not null, "kind" "ledger_entry_kind" not null, "principal_delta" bigint not null default 0, "bonus_delta" bigint not null default 0, "units_delta" int not null default 0, "principal_after" bigint not null, "bonus_after" bigint not null, "units_after" int not null, "reverses_id" uuid null, "operation_id" uuid not null, "store_id" uuid null, "visit_id" uuid null, "service_id" uuid null, "amount_paid" bigint null, "payment_method" "payment_method" null, "payment_reference" varchar(100) null, "expires_at" timestamptz null, "note" varchar(200) null, "recorded_by_user_id" uuid null, "recorded_by_api_key_id" uuid null, constraint "ledger_entry_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "ledger_entry" add constraint "ledger_entry_reverses_id_unique" unique ("reverses_id");`,
    );
    this.addSql(
      `alter table "idempotency_record" add constraint "idempotency_record_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "card_product" add constraint "card_product_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "card_product_service" add constraint "card_product_service_card_product_id_foreign" foreign key ("card_product_id") references "card_product" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "card_product_service" add constraint "card_product_service_service_item_id_foreign" foreign key ("service_item_id") references "service_item" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "account" add constraint "account_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "account" add constraint "account_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "account" add constraint "account_card_product_id_foreign" foreign key ("card_product_id") references "card_product" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "ledger_entry" add constraint "ledger_entry_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "ledger_entry" add constraint "ledger_entry_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "ledger_entry" add constraint "ledger_entry_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "ledger_entry" add constraint "ledger_entry_reverses_id_foreign" foreign key ("reverses_id") references "ledger_entry" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "organization" add column "spending_order" "spending_order" not null default 'BONUS_LAST', add column "points_per_yuan" int not null default 1, add column "points_validity_days" int null default 365;`,
    );

    this.addSql(
      `alter table account add constraint account_balance_check check (principal >= 0 and bonus >= 0 and units >= 0);`,
    );
    this.addSql(
      `create unique index account_customer_wallet_unique on account (customer_id, kind) where kind in ('STORED_VALUE', 'POINTS');`,
    );
    this.addSql(`create index account_customer_index on account (customer_id, created_at);`);
    this.addSql(
      `alter table card_product add constraint card_product_values_check check (price >= 0 and principal >= 0 and bonus >= 0 and (uses is null or uses > 0) and (validity_days is null or validity_days > 0) and (kind <> 'PUNCH_CARD' or uses is not null));`,
    );
    this.addSql(
      `alter table ledger_entry add constraint ledger_entry_moves_check check (principal_delta <> 0 or bonus_delta <> 0 or units_delta <> 0);`,
    );
    this.addSql(
      `alter table ledger_entry add constraint ledger_entry_after_check check (principal_after >= 0 and bonus_after >= 0 and units_after >= 0);`,
    );
    this.addSql(
      `alter table ledger_entry add constraint ledger_entry_reversal_check check ((kind = 'REVERSAL') = (reverses_id is not null));`,
    );
    this.addSql(
      `create index ledger_entry_account_index on ledger_entry (account_id, created_at desc, id desc);`,
    );
    this.addSql(
      `create index ledger_entry_customer_index on ledger_entry (customer_id, created_at desc, id desc);`,
    );
    this.addSql(`create index ledger_entry_operation_index on ledger_entry (operation_id);`);
    this.addSql(`create index idempotency_record_created_index on idempotency_record (created_at);`);
    this.addSql(`
      create function ledger_entry_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'ledger_entry is append-only: % is not allowed; post a reversing entry', tg_op
          using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(
      `create trigger ledger_entry_no_update_or_delete before update or delete on ledger_entry for each row execute function ledger_entry_append_only();`,
    );
    this.addSql(
      `create trigger ledger_entry_no_truncate before truncate on ledger_entry for each statement execute function ledger_entry_append_only();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists ledger_entry cascade;`);
    this.addSql(`drop function if exists ledger_entry_append_only();`);
    this.addSql(`drop table if exists account cascade;`);
    this.addSql(`drop table if exists card_product_service cascade;`);
    this.addSql(`drop table if exists card_product cascade;`);
    this.addSql(`drop table if exists idempotency_record cascade;`);
    this.addSql(
      `alter table organization drop column spending_order, drop column points_per_yuan, drop column points_validity_days;`,
    );
    for (const type of [
      'payment_method',
      'ledger_entry_kind',
      'account_status',
      'account_kind',
      'card_product_kind',
      'spending_order',
    ])
      this.addSql(`drop type "${type}";`);
  }
}
