import { Migration } from '@mikro-orm/migrations';

/**
 * Login throttling and API budgets keep their counters in `rate_limit` (rate-limiter-flexible's
 * RateLimiterPostgres layout: key, points, expire in epoch ms), so every instance shares them; the
 * limiter is told the table exists and never issues DDL. It has no organization_id: its keys are
 * addresses, email hashes and key/user ids across tenants. The generator does not know it: prune its
 * drop from a generated migration.
 *
 * Failed logins are audited. An email that no account has belongs to no organization, so
 * organization_id and role may be null for LOGIN_FAILED rows only (compared as text: the enum value is
 * new in this transaction, where PostgreSQL does not let it be used yet).
 */
export class Migration20261201120000_rate_limits extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "rate_limit" ("key" varchar(255) primary key, "points" integer not null default 0, "expire" bigint null);`,
    );
    this.addSql(`create index "rate_limit_expire_index" on "rate_limit" ("expire");`);
    this.addSql(`alter table "api_key" add column "rate_limit_per_minute" integer null;`);
    this.addSql(
      `alter table "api_key" add constraint "api_key_rate_limit_positive" check ("rate_limit_per_minute" > 0);`,
    );
    this.addSql(`alter type "audit_action" add value if not exists 'LOGIN_FAILED';`);
    this.addSql(`alter table "audit_event" alter column "organization_id" drop not null;`);
    this.addSql(`alter table "audit_event" alter column "role" drop not null;`);
    this.addSql(`alter table "audit_event" add constraint "audit_event_actor_known"
      check (("organization_id" is not null and "role" is not null) or "action"::text = 'LOGIN_FAILED');`);
    this.addSql(`alter table "audit_event" add column "client_address" inet null,
      add column "reason" varchar(50) null, add column "email_hash" varchar(64) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_event" drop column "client_address", drop column "reason",
      drop column "email_hash";`);
    this.addSql(`alter table "audit_event" drop constraint "audit_event_actor_known";`);
    // LOGIN_FAILED rows without an organization cannot go back under NOT NULL; the enum value stays
    // (PostgreSQL cannot drop one).
    this.addSql(`alter table "audit_event" alter column "role" set not null;`);
    this.addSql(`alter table "audit_event" alter column "organization_id" set not null;`);
    this.addSql(`alter table "api_key" drop constraint "api_key_rate_limit_positive";`);
    this.addSql(`alter table "api_key" drop column "rate_limit_per_minute";`);
    this.addSql(`drop table if exists "rate_limit";`);
  }
}
