import { Migration } from '@mikro-orm/migrations';

/**
 * Consent to process health data (PIPL art. 29), with the guardian for customers under 14 (art. 31),
 * and its withdrawal. A withdrawal is a state of its own: the consent it ends stays on record.
 */
export class Migration20261129190000_health_consent extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "customer"
      add column "health_consent_given_at" timestamptz null,
      add column "health_consent_source" varchar(100) null,
      add column "health_consent_guardian" varchar(100) null,
      add column "health_consent_withdrawn_at" timestamptz null;`);
    this.addSql(`alter table "customer" add constraint customer_health_consent_check check (
      (health_consent_given_at is null) = (health_consent_source is null)
      and (health_consent_withdrawn_at is null or health_consent_given_at is not null));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "customer" drop constraint customer_health_consent_check,
      drop column "health_consent_given_at", drop column "health_consent_source",
      drop column "health_consent_guardian", drop column "health_consent_withdrawn_at";`);
  }
}
