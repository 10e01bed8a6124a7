import { Migration } from '@mikro-orm/migrations';

/**
 * Erasure of a customer's personal data on request (PIPL art. 47) and by the retention rule.
 *
 * - `customer.erased_at` / `erased_by_id`: when and by whom (null: the retention job). Once set, the
 *   trigger `customer_erased_guard` refuses any change of the personal columns, the archive flag and
 *   the erasure columns themselves (check violation `customer_erased`, answered CONFLICT ERASED), and
 *   `refuse_erased_customer_rows` refuses new health, consent and tag rows for the customer: nothing,
 *   not even an import, a merge or plain SQL by the runtime role, can give an erased record personal
 *   data again. Aggregates (visit count, lifetime spend, tier) stay writable: the books go on.
 * - `audit_event` and `ledger_entry` stay append-only, with one exception: `erase_customer_history`
 *   (SECURITY DEFINER, owned by the tables' owner, executable by the runtime role) sets a
 *   transaction-local flag under which the two triggers let an UPDATE through that changes nothing but
 *   `audit_event.fields` or `ledger_entry.note`. It rewrites the values an erasure removes: a field
 *   name carries a value only after a colon (`healthConsent.withdrawn:<source>`), and ledger notes may
 *   name the customer (`推荐奖励: <name>` on the referrer's entry). Amounts and every other column of
 *   the books are untouched.
 * - `organization.erase_lost_customers_after_years`: the retention rule, null (off) by default.
 * - audit actions EXPORT and ERASE.
 */
export class Migration20261202140000_customer_erasure extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type "audit_action" add value if not exists 'EXPORT';`);
    this.addSql(`alter type "audit_action" add value if not exists 'ERASE';`);
    this.addSql(
      `alter table "customer" add column "erased_at" timestamptz null, add column "erased_by_id" uuid null;`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_erased_by_id_foreign" foreign key ("erased_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "organization" add column "erase_lost_customers_after_years" int null, add constraint "organization_retention_check" check (erase_lost_customers_after_years is null or (erase_lost_customers_after_years >= 1 and erase_lost_customers_after_years <= 100));`,
    );

    this.addSql(`
      create function customer_erased_guard() returns trigger language plpgsql as $$
      begin
        if old.erased_at is not null and (
          row(new.name, new.name_pinyin, new.name_initials, new.gender, new.birthday, new.phone,
              new.phone_last4, new.email, new.address, new.occupation, new.source_note, new.referrer_id,
              new.assigned_consultant_id, new.assigned_therapist_id, new.important_dates, new.preferences,
              new.notes, new.photo_url, new.external_id, new.health_consent_given_at,
              new.health_consent_source, new.health_consent_guardian, new.health_consent_withdrawn_at,
              new.preferred_channel, new.do_not_contact, new.archived_at, new.erased_at, new.erased_by_id)
          is distinct from
          row(old.name, old.name_pinyin, old.name_initials, old.gender, old.birthday, old.phone,
              old.phone_last4, old.email, old.address, old.occupation, old.source_note, old.referrer_id,
              old.assigned_consultant_id, old.assigned_therapist_id, old.important_dates, old.preferences,
              old.notes, old.photo_url, old.external_id, old.health_consent_given_at,
              old.health_consent_source, old.health_consent_guardian, old.health_consent_withdrawn_at,
              old.preferred_channel, old.do_not_contact, old.archived_at, old.erased_at, old.erased_by_id)
        ) then
          raise exception 'customer_erased: customer % was erased; its record cannot be changed', old.id
            using errcode = 'check_violation', constraint = 'customer_erased';
        end if;
        return new;
      end $$;`);
    this.addSql(
      `create trigger customer_erased_guard before update on customer for each row execute function customer_erased_guard();`,
    );
    this.addSql(`
      create function refuse_erased_customer_rows() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from customer where id = new.customer_id and erased_at is not null) then
          raise exception 'customer_erased: customer % was erased; % rows are not added', new.customer_id, tg_table_name
            using errcode = 'check_violation', constraint = 'customer_erased';
        end if;
        return new;
      end $$;`);
    for (const table of [
      'health_profile',
      'allergy',
      'medical_condition',
      'special_condition',
      'contact_consent',
      'customer_tag',
    ])
      this.addSql(
        `create trigger ${table}_erased_customer before insert or update on ${table} for each row execute function refuse_erased_customer_rows();`,
      );

    // The append-only triggers, with the one exception erase_customer_history opens.
    this.addSql(`
      create or replace function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and current_setting('wellness.erasure', true) = 'on'
           and to_jsonb(new) - 'fields' = to_jsonb(old) - 'fields' then
          return new;
        end if;
        raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end
      $$;`);
    this.addSql(`
      create or replace function ledger_entry_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and current_setting('wellness.erasure', true) = 'on'
           and to_jsonb(new) - 'note' = to_jsonb(old) - 'note' then
          return new;
        end if;
        raise exception 'ledger_entry is append-only: % is not allowed; post a reversing entry', tg_op
          using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(`
      create function erase_customer_history(p_organization uuid, p_customer uuid, p_related uuid[], p_values text[])
      returns void language plpgsql security definer set search_path = public, pg_temp as $$
      declare
        erased_values text[] := array(select v from unnest(p_values) v where length(v) >= 2);
        customers uuid[] := array[p_customer] || coalesce(p_related, '{}');
      begin
        perform set_config('wellness.erasure', 'on', true);
        -- The customer's own rows lose every value after a colon; the related customers' rows (the
        -- referrer's, the referred) lose the elements that name an erased value.
        update audit_event a
           set fields = array(
             select case
                      when a.customer_id = p_customer and position(':' in f) > 0 then split_part(f, ':', 1) || ':[已删除]'
                      when exists (select 1 from unnest(erased_values) v where strpos(f, v) > 0) then '[已删除]'
                      else f
                    end
               from unnest(a.fields) with ordinality as t(f, n) order by n)
         where a.organization_id = p_organization
           and a.customer_id = any(customers)
           and exists (
             select 1 from unnest(a.fields) f
              where (a.customer_id = p_customer and position(':' in f) > 0 and f not like '%:[已删除]')
                 or exists (select 1 from unnest(erased_values) v where strpos(f, v) > 0));
        update ledger_entry e
           set note = '[已删除]'
         where e.organization_id = p_organization
           and e.customer_id = any(customers)
           and e.note is not null and e.note <> '[已删除]'
           and (e.customer_id = p_customer
                or exists (select 1 from unnest(erased_values) v where strpos(e.note, v) > 0));
        perform set_config('wellness.erasure', '', true);
      end $$;`);
    this.addSql(`revoke all on function erase_customer_history(uuid, uuid, uuid[], text[]) from public;`);
    this.addSql(`
      do $$
      begin
        if exists (select 1 from pg_roles where rolname = 'wellness_runtime') then
          execute 'grant execute on function erase_customer_history(uuid, uuid, uuid[], text[]) to wellness_runtime';
        end if;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists erase_customer_history(uuid, uuid, uuid[], text[]);`);
    this.addSql(`
      create or replace function ledger_entry_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'ledger_entry is append-only: % is not allowed; post a reversing entry', tg_op
          using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(`
      create or replace function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end
      $$;`);
    for (const table of [
      'health_profile',
      'allergy',
      'medical_condition',
      'special_condition',
      'contact_consent',
      'customer_tag',
    ])
      this.addSql(`drop trigger if exists ${table}_erased_customer on ${table};`);
    this.addSql(`drop function if exists refuse_erased_customer_rows();`);
    this.addSql(`drop trigger if exists customer_erased_guard on customer;`);
    this.addSql(`drop function if exists customer_erased_guard();`);
    this.addSql(
      `alter table "organization" drop constraint if exists "organization_retention_check", drop column if exists "erase_lost_customers_after_years";`,
    );
    this.addSql(`alter table "customer" drop constraint if exists "customer_erased_by_id_foreign";`);
    this.addSql(
      `alter table "customer" drop column if exists "erased_at", drop column if exists "erased_by_id";`,
    );
    // PostgreSQL cannot drop enum values: EXPORT and ERASE stay in audit_action.
  }
}
