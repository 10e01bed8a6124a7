import type { EntityManager } from '@mikro-orm/postgresql';
import { runPrepared } from '../sql';
import { bucketKey, type DateRange, type ReportPeriod } from './period';
import { inComparedDays, rollupRowsOf, within, type ReportScope, REPORT_PLAN } from './report-scope';

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
 * One statement over the period, its 环比 and its 同比, per local day, from report_revenue_day (kept
 * by triggers in every writing transaction: Migration20261202100000_report_rollups): the ledger's
 * `amount_paid` (set on card sales, negative on refunds and reversed sales; at checkout the ledger
 * moves stored value and points, never money; opening balances and transfers are not revenue) and
 * the settlements (their external payments, and their lines' list prices less the tier discount and
 * coupons: the punched lines are in the lines and not in `due`). A settlement paid partly by stored
 * value counts as cash only for its external part: the stored value was cash when it was sold. With
 * a store: entries posted there, settlements of its visits.
 */
export async function revenue(em: EntityManager, scope: ReportScope, period: ReportPeriod): Promise<Revenue> {
  const compared = inComparedDays(scope, period);
  const rowsOf = rollupRowsOf(scope);
  const rows = await runPrepared<DayRow>(
    em,
    `select to_char(${compared.column}, 'YYYY-MM-DD') as day, sum(card_sales)::bigint as card_sales,
       sum(checkout_payments)::bigint as checkout_payments, sum(consumed)::bigint as consumed,
       sum(settlements)::int as settlements
     from report_revenue_day
     where ${rowsOf.sql} and ${compared.sql}
     group by 1`,
    [...rowsOf.values, ...compared.values],
    REPORT_PLAN,
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
