import { Migration } from '@mikro-orm/migrations';

/**
 * Invariants of catalogue and schedule management kept by the database: a contraindication tag in
 * use cannot be deleted (the service decides the message, the foreign key the outcome), weekly hours
 * of one person never overlap within a weekday, and stock movements page newest first per store.
 */
export class Migration20261122190000_catalogue_management extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table service_item_contraindication drop constraint service_item_contraindication_contraindication_tag_id_foreign;`,
    );
    this.addSql(
      `alter table service_item_contraindication add constraint service_item_contraindication_contraindication_tag_id_foreign foreign key (contraindication_tag_id) references contraindication_tag (id) on update cascade on delete restrict;`,
    );
    // Minutes after midnight; '24:00' is 1440.
    this.addSql(
      `alter table working_hours add constraint working_hours_no_overlap exclude using gist (staff_profile_id with =, weekday with =, int4range((extract(epoch from starts_at) / 60)::int, (extract(epoch from ends_at) / 60)::int) with &&);`,
    );
    this.addSql(
      `create index stock_movement_store_created_index on stock_movement (store_id, created_at desc, id desc);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists stock_movement_store_created_index;`);
    this.addSql(`alter table working_hours drop constraint working_hours_no_overlap;`);
    this.addSql(
      `alter table service_item_contraindication drop constraint service_item_contraindication_contraindication_tag_id_foreign;`,
    );
    this.addSql(
      `alter table service_item_contraindication add constraint service_item_contraindication_contraindication_tag_id_foreign foreign key (contraindication_tag_id) references contraindication_tag (id) on update cascade on delete cascade;`,
    );
  }
}
