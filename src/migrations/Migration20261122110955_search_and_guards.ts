import { Migration } from '@mikro-orm/migrations';

/**
 * Hand-written: what the entity metadata cannot express.
 * - Search indexes that stay fast at a million customers: prefix search on name, pinyin and initials
 *   (text_pattern_ops), 尾号 lookup on the last four phone digits, trigram index for name fragments.
 * - CHECK constraints that keep aggregates and phone numbers sane even if a bug slips through.
 * - The audit log is append-only: UPDATE, DELETE and TRUNCATE raise an error for every role.
 */
export class Migration20261122110955_search_and_guards extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index customer_name_prefix_index on customer (organization_id, name text_pattern_ops);`,
    );
    this.addSql(
      `create index customer_pinyin_prefix_index on customer (organization_id, name_pinyin text_pattern_ops);`,
    );
    this.addSql(
      `create index customer_initials_prefix_index on customer (organization_id, name_initials text_pattern_ops);`,
    );
    this.addSql(`create index customer_phone_last4_index on customer (organization_id, phone_last4);`);
    this.addSql(`create index customer_name_trigram_index on customer using gin (name gin_trgm_ops);`);
    this.addSql(`create index customer_assigned_consultant_index on customer (assigned_consultant_id);`);
    this.addSql(`create index customer_assigned_therapist_index on customer (assigned_therapist_id);`);
    this.addSql(`create index customer_tag_tag_index on customer_tag (tag_id);`);

    this.addSql(
      `alter table customer add constraint customer_phone_e164_check check (phone is null or phone ~ '^\\+[1-9][0-9]{6,14}$');`,
    );
    this.addSql(
      `alter table customer add constraint customer_phone_last4_check check (phone_last4 is null or phone_last4 = right(phone, 4));`,
    );
    this.addSql(`alter table customer add constraint customer_visit_count_check check (visit_count >= 0);`);
    this.addSql(
      `alter table customer add constraint customer_lifetime_spend_check check (lifetime_spend >= 0);`,
    );
    this.addSql(
      `alter table customer add constraint customer_not_own_referrer_check check (referrer_id is null or referrer_id <> id);`,
    );

    this.addSql(`
      create function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end
      $$;`);
    this.addSql(
      `create trigger audit_event_no_update_or_delete before update or delete on audit_event for each row execute function audit_event_append_only();`,
    );
    this.addSql(
      `create trigger audit_event_no_truncate before truncate on audit_event for each statement execute function audit_event_append_only();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists audit_event_no_truncate on audit_event;`);
    this.addSql(`drop trigger if exists audit_event_no_update_or_delete on audit_event;`);
    this.addSql(`drop function if exists audit_event_append_only();`);
    for (const constraint of [
      'phone_e164',
      'phone_last4',
      'visit_count',
      'lifetime_spend',
      'not_own_referrer',
    ]) {
      this.addSql(`alter table customer drop constraint if exists customer_${constraint}_check;`);
    }
    for (const index of [
      'name_prefix',
      'pinyin_prefix',
      'initials_prefix',
      'phone_last4',
      'name_trigram',
      'assigned_consultant',
      'assigned_therapist',
    ]) {
      this.addSql(`drop index if exists customer_${index}_index;`);
    }
    this.addSql(`drop index if exists customer_tag_tag_index;`);
  }
}
