import { Migration } from '@mikro-orm/migrations';

/**
 * Health data encrypted at rest (docs/architecture.md, "Encryption at rest (issue 17)").
 *
 * - `data_key`: each organization's data keys, wrapped by the master key (MASTER_KEY, never here).
 * - The health text columns become `text` holding `v1.<keyId>.<iv>.<ciphertext+tag>`: allergy
 *   substance, reaction, note; medical condition and its note; special condition description and
 *   note; the profile's lifestyle, skin profile, complaints, goals (json text, sealed whole) and notes;
 *   visit condition notes. The lengths (100, 200) are the inputs' now: a sealed value is longer.
 * - The TCM constitution too (`constitution` text, `secondary_constitutions` json text; the enum type
 *   goes), with `constitution_index` (HMAC) that reports group by and segment rules match on.
 * - `current_complaints_index`, `wellness_goals_index`: blind indexes (HMAC per item) for segments.
 *
 * SQL holds no key, so existing values stay plaintext here: reads accept them (a plaintext value is
 * told apart by its shape) and `npm run keys:rotate-data` seals them and fills the blind indexes.
 */
export class Migration20261203100000_health_encryption extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "data_key" ("id" uuid not null, "organization_id" uuid not null, "wrapped_key" text not null, "master_key_id" varchar(16) not null, "created_at" timestamptz not null default now(), "retired_at" timestamptz null, constraint "data_key_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "data_key_organization_id_created_at_index" on "data_key" ("organization_id", "created_at");`,
    );
    this.addSql(
      `alter table "allergy" alter column "substance" type text using "substance"::text, alter column "reaction" type text using "reaction"::text;`,
    );
    this.addSql(
      `alter table "medical_condition" alter column "condition" type text using "condition"::text;`,
    );
    this.addSql(
      `alter table "special_condition" alter column "description" type text using "description"::text;`,
    );
    this.addSql(`alter table "health_profile"
      alter column "lifestyle" type text using "lifestyle"::text,
      alter column "skin_profile" type text using "skin_profile"::text,
      alter column "current_complaints" type text using array_to_json("current_complaints")::text,
      alter column "wellness_goals" type text using array_to_json("wellness_goals")::text,
      alter column "constitution" type text using "constitution"::text,
      alter column "secondary_constitutions" type text using array_to_json("secondary_constitutions")::text,
      add column "constitution_index" text null,
      add column "current_complaints_index" text[] not null default '{}',
      add column "wellness_goals_index" text[] not null default '{}';`);
    this.addSql(`alter table "health_profile"
      alter column "current_complaints_index" drop default,
      alter column "wellness_goals_index" drop default;`);
    // No column is of the constitution enum any more (the nine values are the GraphQL enum's).
    this.addSql(`drop type "tcm_constitution";`);
  }

  /** Only while every value is still plaintext (else: `keys:rotate-data` cannot undo it; restore a backup). */
  override async down(): Promise<void> {
    // ALTER … USING takes no subquery: a function does the json → text[] turn.
    this.addSql(`create function pg_temp.json_text_array(value text) returns text[] language sql immutable
      as $$ select coalesce(array(select jsonb_array_elements_text(value::jsonb)), '{}') $$;`);
    this.addSql(
      `create type "tcm_constitution" as enum ('BALANCED', 'QI_DEFICIENCY', 'YANG_DEFICIENCY', 'YIN_DEFICIENCY', 'PHLEGM_DAMPNESS', 'DAMP_HEAT', 'BLOOD_STASIS', 'QI_STAGNATION', 'SPECIAL_DIATHESIS');`,
    );
    this.addSql(`alter table "health_profile"
      drop column "constitution_index",
      alter column "constitution" type "tcm_constitution" using "constitution"::"tcm_constitution",
      alter column "secondary_constitutions" type "tcm_constitution"[] using pg_temp.json_text_array("secondary_constitutions")::"tcm_constitution"[],
      drop column "current_complaints_index",
      drop column "wellness_goals_index",
      alter column "lifestyle" type jsonb using "lifestyle"::jsonb,
      alter column "skin_profile" type jsonb using "skin_profile"::jsonb,
      alter column "current_complaints" type text[] using pg_temp.json_text_array("current_complaints"),
      alter column "wellness_goals" type text[] using pg_temp.json_text_array("wellness_goals");`);
    this.addSql(
      `alter table "special_condition" alter column "description" type varchar(200) using "description"::varchar(200);`,
    );
    this.addSql(
      `alter table "medical_condition" alter column "condition" type varchar(100) using "condition"::varchar(100);`,
    );
    this.addSql(
      `alter table "allergy" alter column "substance" type varchar(100) using "substance"::varchar(100), alter column "reaction" type varchar(200) using "reaction"::varchar(200);`,
    );
    this.addSql(`drop table if exists "data_key" cascade;`);
  }
}
