import { Migration } from '@mikro-orm/migrations';

/** 优惠券: coupon card products and accounts, and the coupon discount of a settlement. */
export class Migration20261122212000_coupons extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type account_kind add value if not exists 'COUPON';`);
    this.addSql(`alter type card_product_kind add value if not exists 'COUPON';`);
    this.addSql(
      `alter table card_product add column coupon_value int null, add column coupon_min_spend int null;`,
    );
    this.addSql(
      `alter table card_product add constraint card_product_coupon_check check ((coupon_value is null or coupon_value > 0) and (coupon_min_spend is null or coupon_min_spend >= 0));`,
    );
    this.addSql(`alter table settlement add column coupon_discount bigint not null default 0;`);
    this.addSql(`alter table settlement drop constraint settlement_amounts_check;`);
    this.addSql(
      `alter table settlement add constraint settlement_amounts_check check (subtotal >= 0 and discount between 0 and subtotal and coupon_discount >= 0 and due = subtotal - discount - coupon_discount and due >= 0 and stored_value_paid >= 0 and points_redeemed >= 0 and points_value >= 0 and points_earned >= 0);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table settlement drop constraint settlement_amounts_check;`);
    this.addSql(
      `alter table settlement add constraint settlement_amounts_check check (subtotal >= 0 and discount between 0 and subtotal and due = subtotal - discount and stored_value_paid >= 0 and points_redeemed >= 0 and points_value >= 0 and points_earned >= 0);`,
    );
    this.addSql(`alter table settlement drop column coupon_discount;`);
    this.addSql(`alter table card_product drop constraint card_product_coupon_check;`);
    this.addSql(`alter table card_product drop column coupon_value, drop column coupon_min_spend;`);
  }
}
