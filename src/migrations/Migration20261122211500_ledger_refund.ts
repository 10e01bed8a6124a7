import { Migration } from '@mikro-orm/migrations';

/** 退卡: a REFUND entry pays back the remaining principal of a stored-value account. */
export class Migration20261122211500_ledger_refund extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type ledger_entry_kind add value if not exists 'REFUND';`);
  }

  override async down(): Promise<void> {
    // PostgreSQL cannot drop an enum value; REFUND rows would have no meaning without it anyway.
  }
}
