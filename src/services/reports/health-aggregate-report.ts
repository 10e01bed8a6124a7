import type { CustomReportResult } from './custom-report-run';

/** One value of a health dimension over the live customers; null and suppressed when too few. */
export interface HealthCount {
  key: string;
  label: string;
  count: number | null;
  suppressed: boolean;
}

/** The dimensions of customerHealthReport, each run as a one-dimension custom report of `customers`. */
export const HEALTH_REPORT_DIMENSIONS = {
  byConstitution: 'constitution',
  byAllergyCategory: 'allergyCategory',
  bySpecialCondition: 'specialCondition',
} as const;

/** The rows of a one-dimension health aggregate as counts, in the catalogue's order of values. */
export function healthCounts(result: CustomReportResult): HealthCount[] {
  return result.rows.map((row) => ({
    key: row.cells[0].key ?? '',
    label: row.cells[0].label ?? '',
    count: row.cells[1].count ?? null,
    suppressed: row.suppressed,
  }));
}
