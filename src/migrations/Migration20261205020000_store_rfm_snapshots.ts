import { Migration } from '@mikro-orm/migrations';

/**
 * RFM per store as a snapshot too (issue 15 "Speed"): a store's RFM was scored for each request from
 * every settled visit of the store (3.2 s at 1,000,000 visits, all in one store), where the
 * organization's is read from customer_rfm. The nightly refresh (rfm-snapshot.ts) now writes, in the
 * same transaction and as of the same date, the scores of each store's customers (only that store's
 * visits) into customer_store_rfm, with the store's unscored count in customer_store_rfm_run. An
 * archived customer leaves both snapshots at once; a store deleted takes its rows with it.
 */
export class Migration20261205020000_store_rfm_snapshots extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table customer_store_rfm_run (
      organization_id uuid not null references customer_rfm_run (organization_id) on delete cascade,
      store_id uuid not null references store (id) on delete cascade,
      customers_without_visits int not null,
      constraint customer_store_rfm_run_pkey primary key (organization_id, store_id));`);
    this.addSql(`create table customer_store_rfm (
      organization_id uuid not null,
      store_id uuid not null,
      customer_id uuid not null references customer (id) on delete cascade,
      last_visit_on date not null,
      recency_days int not null,
      frequency int not null,
      monetary bigint not null,
      r smallint not null,
      f smallint not null,
      m smallint not null,
      score smallint not null,
      rfm_class smallint not null,
      segment text not null,
      constraint customer_store_rfm_pkey primary key (organization_id, store_id, customer_id),
      constraint customer_store_rfm_run_fkey foreign key (organization_id, store_id)
        references customer_store_rfm_run (organization_id, store_id) on delete cascade);`);
    // The report's page (R+F+M, then id, both descending) and its segment counts.
    this.addSql(
      `create index customer_store_rfm_page_index on customer_store_rfm (organization_id, store_id, score desc, customer_id desc);`,
    );
    this.addSql(
      `create index customer_store_rfm_segment_index on customer_store_rfm (organization_id, store_id, segment);`,
    );
    this.addSql(`create index customer_store_rfm_customer_index on customer_store_rfm (customer_id);`);
    this.addSql(`select tenancy_protect('customer_store_rfm_run');`);
    this.addSql(`select tenancy_protect('customer_store_rfm');`);
    this
      .addSql(`create or replace function customer_rfm_archived() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $fn$
      begin
        delete from customer_rfm where customer_id = new.id;
        delete from customer_store_rfm where customer_id = new.id;
        return null;
      end $fn$;`);
  }

  override async down(): Promise<void> {
    this
      .addSql(`create or replace function customer_rfm_archived() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $fn$
      begin
        delete from customer_rfm where customer_id = new.id;
        return null;
      end $fn$;`);
    this.addSql(`drop table if exists customer_store_rfm;`);
    this.addSql(`drop table if exists customer_store_rfm_run;`);
  }
}
