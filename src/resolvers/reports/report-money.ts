import { money } from '../../schema/money.type';
import type { Liabilities } from '../../services/reports/liabilities';
import type { Revenue, RevenueFigures } from '../../services/reports/revenue';
import type { ServiceRank } from '../../services/reports/service-ranking';

/** The report's amounts (integer 分 in the services) as Money in the organization's currency. */
export function revenueInMoney(report: Revenue, currency: string) {
  const figures = (row: RevenueFigures) => ({
    ...row,
    cashReceived: money(row.cashReceived, currency),
    cardSales: money(row.cardSales, currency),
    checkoutPayments: money(row.checkoutPayments, currency),
    servicesConsumed: money(row.servicesConsumed, currency),
    averageTicket: money(row.averageTicket, currency),
  });
  return {
    period: report.period,
    buckets: report.buckets.map(figures),
    total: figures(report.total),
    previous: figures(report.previous),
    lastYear: figures(report.lastYear),
  };
}

export function rankingInMoney(rows: ServiceRank[], currency: string) {
  return rows.map((row) => ({ ...row, revenue: money(row.revenue, currency) }));
}

export function liabilitiesInMoney(report: Liabilities, currency: string) {
  return {
    ...report,
    storedValuePrincipal: money(report.storedValuePrincipal, currency),
    storedValueBonus: money(report.storedValueBonus, currency),
    unusedPunchValue: money(report.unusedPunchValue, currency),
    pointsValue: money(report.pointsValue, currency),
  };
}
