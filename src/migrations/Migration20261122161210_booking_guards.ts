import { Migration } from '@mikro-orm/migrations';

/**
 * Hand-written: the invariants of the catalogue, bookings, visits and stock, kept by PostgreSQL so
 * that no code path (or concurrent request) can break them.
 * - A therapist or a room never holds two overlapping appointment items: exclusion constraints over
 *   [starts_at, blocked_until) while the item is `blocking` (btree_gist lets uuid join the GiST index).
 * - Stock movements are append-only, like the audit log.
 * - Ranges, durations, prices, quantities and satisfaction are sane.
 */
export class Migration20261122161210_booking_guards extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table appointment_item add constraint appointment_item_therapist_overlap
        exclude using gist (therapist_id with =, tstzrange(starts_at, blocked_until, '[)') with &&)
        where (blocking);`);
    this.addSql(`
      alter table appointment_item add constraint appointment_item_room_overlap
        exclude using gist (room_id with =, tstzrange(starts_at, blocked_until, '[)') with &&)
        where (blocking and room_id is not null);`);
    this.addSql(
      `alter table appointment_item add constraint appointment_item_time_check check (starts_at < ends_at and ends_at <= blocked_until);`,
    );
    this.addSql(`alter table appointment add constraint appointment_time_check check (starts_at < ends_at);`);
    this.addSql(
      `alter table appointment add constraint appointment_cancel_reason_check check (status <> 'CANCELLED' or cancel_reason is not null);`,
    );
    this.addSql(
      `create index appointment_item_appointment_index on appointment_item (appointment_id, position);`,
    );
    this.addSql(`create index appointment_item_room_index on appointment_item (room_id, starts_at);`);

    this.addSql(
      `alter table service_item add constraint service_item_duration_check check (duration_minutes between 5 and 720 and buffer_minutes between 0 and 240);`,
    );
    this.addSql(`alter table service_item add constraint service_item_price_check check (price >= 0);`);
    this.addSql(`alter table product add constraint product_money_check check (cost >= 0 and price >= 0);`);
    this.addSql(
      `alter table product add constraint product_low_stock_threshold_check check (low_stock_threshold >= 0);`,
    );
    this.addSql(
      `alter table product_stock add constraint product_stock_low_stock_threshold_check check (low_stock_threshold is null or low_stock_threshold >= 0);`,
    );
    this.addSql(`alter table stock_movement add constraint stock_movement_delta_check check (delta <> 0);`);
    this.addSql(
      `create index stock_movement_product_index on stock_movement (store_id, product_id, created_at);`,
    );

    this.addSql(
      `alter table working_hours add constraint working_hours_range_check check (weekday between 1 and 7 and starts_at < ends_at);`,
    );
    this.addSql(
      `create index working_hours_staff_profile_index on working_hours (staff_profile_id, weekday);`,
    );
    this.addSql(
      `alter table schedule_exception add constraint schedule_exception_range_check check ((starts_at is null and ends_at is null and kind = 'LEAVE') or (starts_at is not null and ends_at is not null and starts_at < ends_at));`,
    );
    this.addSql(
      `create index schedule_exception_staff_profile_index on schedule_exception (staff_profile_id, date);`,
    );
    this.addSql(`create index staff_profile_user_index on staff_profile (user_id);`);

    this.addSql(
      `alter table visit add constraint visit_satisfaction_check check (satisfaction is null or satisfaction between 1 and 5);`,
    );
    this.addSql(
      `alter table visit_line add constraint visit_line_check check (duration_minutes > 0 and list_price >= 0);`,
    );
    this.addSql(`create index visit_line_visit_index on visit_line (visit_id, position);`);
    this.addSql(
      `alter table visit_product_use add constraint visit_product_use_quantity_check check (quantity > 0);`,
    );
    this.addSql(`create index visit_product_use_line_index on visit_product_use (line_id);`);

    this.addSql(`
      create function stock_movement_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'stock_movement is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end
      $$;`);
    this.addSql(
      `create trigger stock_movement_no_update_or_delete before update or delete on stock_movement for each row execute function stock_movement_append_only();`,
    );
    this.addSql(
      `create trigger stock_movement_no_truncate before truncate on stock_movement for each statement execute function stock_movement_append_only();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists stock_movement_no_truncate on stock_movement;`);
    this.addSql(`drop trigger if exists stock_movement_no_update_or_delete on stock_movement;`);
    this.addSql(`drop function if exists stock_movement_append_only();`);
    for (const index of [
      'visit_product_use_line_index',
      'visit_line_visit_index',
      'staff_profile_user_index',
      'schedule_exception_staff_profile_index',
      'working_hours_staff_profile_index',
      'stock_movement_product_index',
      'appointment_item_room_index',
      'appointment_item_appointment_index',
    ]) {
      this.addSql(`drop index if exists ${index};`);
    }
    for (const [table, constraint] of [
      ['visit_product_use', 'visit_product_use_quantity_check'],
      ['visit_line', 'visit_line_check'],
      ['visit', 'visit_satisfaction_check'],
      ['schedule_exception', 'schedule_exception_range_check'],
      ['working_hours', 'working_hours_range_check'],
      ['stock_movement', 'stock_movement_delta_check'],
      ['product_stock', 'product_stock_low_stock_threshold_check'],
      ['product', 'product_low_stock_threshold_check'],
      ['product', 'product_money_check'],
      ['service_item', 'service_item_price_check'],
      ['service_item', 'service_item_duration_check'],
      ['appointment', 'appointment_cancel_reason_check'],
      ['appointment', 'appointment_time_check'],
      ['appointment_item', 'appointment_item_time_check'],
      ['appointment_item', 'appointment_item_room_overlap'],
      ['appointment_item', 'appointment_item_therapist_overlap'],
    ]) {
      this.addSql(`alter table ${table} drop constraint if exists ${constraint};`);
    }
  }
}
