import type { EntityManager } from '@mikro-orm/postgresql';
import { runPrepared } from '../sql';
import { bucketKey, type DateRange, type ReportPeriod } from './period';
import { inComparedRanges, LOCAL_DAY, within, type ReportScope } from './report-scope';

/**
 * 营业额 two ways, never added together: money taken in (收款) and services consumed (消耗).
 * Amounts in minor units (分).
 */
export interface RevenueFigures {
  /** 收款: cardSales + checkoutPayments. */
  cashReceived: number;
  /** Money taken for cards (stored value, punch cards, coupons), less refunds and reversed sales. */
  cardSales: number;
  /** The external payments of checkouts (WeChat Pay, cash …): not the stored value or points they used. */
  checkoutPayments: number;
  /** 消耗: what the settled visits were worth, paid by stored value, points, coupons' remainder or money, punched lines at their list price. */
  servicesConsumed: number;
  settlements: number;
  /** 客单价: servicesConsumed / settlements, rounded down; 0 without settlements. */
  averageTicket: number;
}

export interface RevenueBucket extends DateRange, RevenueFigures {}

export interface Revenue {
  period: ReportPeriod;
  buckets: RevenueBucket[];
  total: RevenueFigures;
  /** 环比 */
  previous: RevenueFigures;
  /** 同比 */
  lastYear: RevenueFigures;
}

interface DayRow {
  day: string;
  card_sales: string;
  checkout_payments: string;
  consumed: string;
  settlements: number;
}

/**
 * One statement over the period, its 环比 and its 同比, per local day: the ledger's `amount_paid`
 * (set on card sales, negative on refunds and reversed sales; at checkout the ledger moves stored
 * value and points, never money) and the settlements (their external payments, and their lines' list
 * prices less the tier discount and coupons: the punched lines are in the lines and not in `due`).
 * A settlement paid partly by stored value counts as cash only for its external part: the stored
 * value was cash when it was sold. With a store: entries posted there, settlements of its visits.
 */
export async function revenue(em: EntityManager, scope: ReportScope, period: ReportPeriod): Promise<Revenue> {
  const ledger = inComparedRanges('e.created_at', period);
  const settled = inComparedRanges('s.created_at', period);
  const rows = await runPrepared<DayRow>(
    em,
    `select day, sum(card_sales)::bigint as card_sales, sum(checkout_payments)::bigint as checkout_payments,
       sum(consumed)::bigint as consumed, sum(settlements)::int as settlements
     from (
       select ${LOCAL_DAY('e.created_at')} as day, e.amount_paid as card_sales, 0 as checkout_payments,
         0 as consumed, 0 as settlements
       from ledger_entry e
       where e.organization_id = ? and e.amount_paid is not null and (?::uuid is null or e.store_id = ?)
         and ${ledger.sql}
       union all
       select ${LOCAL_DAY('s.created_at')}, 0,
         (select coalesce(sum((p ->> 'amount')::bigint), 0) from jsonb_array_elements(s.external_payments) p),
         (select coalesce(sum(l.list_price), 0) from visit_line l
           where l.visit_id = s.visit_id and l.organization_id = s.organization_id) - s.discount - s.coupon_discount,
         1
       from settlement s join visit v on v.id = s.visit_id and v.organization_id = s.organization_id
       where s.organization_id = ? and (?::uuid is null or v.store_id = ?) and ${settled.sql}
     ) moves
     group by day`,
    [
      period.timeZone,
      scope.organizationId,
      scope.storeId,
      scope.storeId,
      ...ledger.values,
      period.timeZone,
      scope.organizationId,
      scope.storeId,
      scope.storeId,
      ...settled.values,
    ],
  );
  const days = rows.map((row) => ({
    day: row.day,
    cardSales: Number(row.card_sales),
    checkoutPayments: Number(row.checkout_payments),
    servicesConsumed: Number(row.consumed),
    settlements: row.settlements,
  }));
  const figuresOf = (keep: (day: string) => boolean) => figures(days.filter((row) => keep(row.day)));
  const byBucket = new Map<string, typeof days>();
  for (const row of days.filter((day) => within(day.day, period))) {
    const key = bucketKey(row.day, period.grain);
    byBucket.set(key, [...(byBucket.get(key) ?? []), row]);
  }
  return {
    period,
    buckets: period.buckets.map((bucket) => ({
      from: bucket.from,
      to: bucket.to,
      ...figures(byBucket.get(bucket.key) ?? []),
    })),
    total: figuresOf((day) => within(day, period)),
    previous: figuresOf((day) => within(day, period.previous)),
    lastYear: figuresOf((day) => within(day, period.lastYear)),
  };
}

function figures(
  days: { cardSales: number; checkoutPayments: number; servicesConsumed: number; settlements: number }[],
): RevenueFigures {
  const sum = (measure: (row: (typeof days)[number]) => number) =>
    days.reduce((total, row) => total + measure(row), 0);
  const cardSales = sum((row) => row.cardSales);
  const checkoutPayments = sum((row) => row.checkoutPayments);
  const servicesConsumed = sum((row) => row.servicesConsumed);
  const settlements = sum((row) => row.settlements);
  return {
    cashReceived: cardSales + checkoutPayments,
    cardSales,
    checkoutPayments,
    servicesConsumed,
    settlements,
    averageTicket: settlements ? Math.floor(servicesConsumed / settlements) : 0,
  };
}
