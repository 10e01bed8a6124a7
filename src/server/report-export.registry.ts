import { activityExport, compositionExport, growthExport } from './report-export.customers';
import { liabilitiesExport, revenueExport, serviceRankingExport } from './report-export.revenue';
import { cohortsExport, rfmExport, visitFrequencyExport } from './report-export.rfm';
import { staffPerformanceExport } from './report-export.staff';
import { statusTransitionsExport } from './report-export.transitions';
import { productRankingExport } from './report-export.products';
import { healthAggregatesExport } from './report-export.health';
import { customReportExport } from './report-export.custom';
import type { AnyReportExport } from './report-export.types';

/**
 * Every exportable report by its URL name. A new report is one more entry (a document, its
 * parameters and its tables in a `report-export.<family>.ts`): the endpoint, the writers and the
 * error handling need no change.
 */
const EXPORTS: AnyReportExport[] = [
  growthExport,
  compositionExport,
  activityExport,
  revenueExport,
  serviceRankingExport,
  liabilitiesExport,
  staffPerformanceExport,
  rfmExport,
  cohortsExport,
  visitFrequencyExport,
  statusTransitionsExport,
  productRankingExport,
  healthAggregatesExport,
  customReportExport,
];

export const REPORT_EXPORTS: ReadonlyMap<string, AnyReportExport> = new Map(
  EXPORTS.map((entry) => [entry.name, entry]),
);
