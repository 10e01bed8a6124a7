import { Migration } from '@mikro-orm/migrations';

/**
 * The rate-limit counters (login throttle, query cost budgets per minute) are short-lived by nature:
 * windows of a minute to a day, rebuilt by the next requests. Unlogged, their upsert on every request
 * writes no WAL and its commit waits for no WAL flush (the list page paid a second fsync per request
 * for it, next to the audit row's). After a crash PostgreSQL empties the table: budgets and login
 * waits start afresh, as after a window ends; backups and standbys never carry them.
 */
export class Migration20261206010000_rate_limit_unlogged extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "rate_limit" set unlogged;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "rate_limit" set logged;`);
  }
}
