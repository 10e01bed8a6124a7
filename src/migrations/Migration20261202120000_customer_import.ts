import { Migration } from '@mikro-orm/migrations';

/**
 * 建档导入 (issue 16): the import record, its per-row report and the uploaded file's bytes in pieces.
 * OPENING_BALANCE is the ledger kind of the balances an import brings over (never an edited balance).
 * The partial unique index keeps one row of one file (by SHA-256) from creating two customers, however
 * often the file is uploaded.
 */
export class Migration20261202120000_customer_import extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type ledger_entry_kind add value if not exists 'OPENING_BALANCE';`);
    this.addSql(`create type "import_format" as enum ('CSV', 'XLSX');`);
    this.addSql(`create type "import_encoding" as enum ('UTF8', 'GB18030');`);
    this.addSql(
      `create type "import_status" as enum ('UPLOADED', 'QUEUED', 'RUNNING', 'DRY_RUN_DONE', 'IMPORTED', 'CONFLICT', 'FAILED');`,
    );
    this.addSql(`create type "import_mode" as enum ('DRY_RUN', 'IMPORT');`);
    this.addSql(`create type "import_row_outcome" as enum ('OK', 'ERROR', 'DUPLICATE');`);
    this.addSql(`create type "import_duplicate_reason" as enum ('PHONE', 'CARD_NUMBER', 'SAME_FILE_ROW');`);
    this.addSql(
      `create table "customer_import" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "uploaded_by_user_id" uuid not null, "file_name" varchar(255) not null, "format" "import_format" not null, "size_bytes" int not null, "sha256" varchar(64) not null, "detected_encoding" "import_encoding" null, "status" "import_status" not null default 'UPLOADED', "mode" "import_mode" null, "options" jsonb null, "dry_run_options_hash" varchar(64) null, "columns" jsonb null, "health_consent" jsonb null, "total_rows" int null, "processed_rows" int not null default 0, "summary" jsonb null, "dry_run_summary" jsonb null, "error" text null, "run_by_user_id" uuid null, "started_at" timestamptz null, "finished_at" timestamptz null, constraint "customer_import_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "customer_import_status_index" on "customer_import" ("status", "updated_at");`);
    this.addSql(
      `create table "customer_import_row" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_import_id" uuid not null, "row_number" int not null, "file_sha256" varchar(64) not null, "outcome" "import_row_outcome" not null, "problems" jsonb not null, "duplicate_reason" "import_duplicate_reason" null, "duplicate_of_customer_id" uuid null, "duplicate_of_row" int null, "health_skipped" boolean not null default false, "customer_id" uuid null, constraint "customer_import_row_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create unique index customer_import_row_file_row_unique on customer_import_row (organization_id, file_sha256, row_number) where customer_id is not null;`,
    );
    this.addSql(
      `alter table "customer_import_row" add constraint "customer_import_row_import_row_unique" unique ("customer_import_id", "row_number");`,
    );
    this.addSql(
      `create table "customer_import_chunk" ("id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_import_id" uuid not null, "seq" int not null, "data" bytea not null, constraint "customer_import_chunk_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "customer_import_chunk" add constraint "customer_import_chunk_import_seq_unique" unique ("customer_import_id", "seq");`,
    );
    this.addSql(
      `alter table "customer_import" add constraint "customer_import_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "customer_import_row" add constraint "customer_import_row_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "customer_import_row" add constraint "customer_import_row_customer_import_id_foreign" foreign key ("customer_import_id") references "customer_import" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "customer_import_chunk" add constraint "customer_import_chunk_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "customer_import_chunk" add constraint "customer_import_chunk_customer_import_id_foreign" foreign key ("customer_import_id") references "customer_import" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "customer_import_chunk" cascade;`);
    this.addSql(`drop table if exists "customer_import_row" cascade;`);
    this.addSql(`drop table if exists "customer_import" cascade;`);
    for (const type of [
      'import_duplicate_reason',
      'import_row_outcome',
      'import_mode',
      'import_status',
      'import_encoding',
      'import_format',
    ])
      this.addSql(`drop type if exists "${type}";`);
    // OPENING_BALANCE stays in ledger_entry_kind: PostgreSQL cannot drop an enum value.
  }
}
