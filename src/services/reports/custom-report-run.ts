import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../core/errors';
import { todayIn } from '../../core/time';
import { DIMENSIONS, MAX_ROWS, MEASURES, type CellType, type FactCode } from './custom-catalogue';
import { isHealthAggregate, type CustomReportDefinition } from './custom-definition';
import { runFact, type FactResult } from './custom-query';
import { cubeKeys, suppressSmallCells } from './health-aggregate';
import type { ReportPeriod } from './period';
import type { ReportScope } from './report-scope';

export interface CustomReportColumn {
  key: string;
  label: string;
  kind: 'DIMENSION' | 'MEASURE';
  type: CellType;
}

/** A typed cell: a dimension's key and label, or a measure's count or money (分); null when suppressed. */
export interface CustomReportCell {
  key?: string;
  label?: string;
  count?: number | null;
  money?: number | null;
  suppressed: boolean;
}

export interface CustomReportResult {
  period: ReportPeriod;
  columns: CustomReportColumn[];
  rows: { cells: CustomReportCell[]; suppressed: boolean }[];
  /** More rows matched than `rowLimit`: the first ones by the dimensions' keys are given. */
  truncated: boolean;
  rowLimit: number;
  /** Whether a health dimension made it a health aggregate (zero-filled, small cells suppressed). */
  healthAggregate: boolean;
  suppressedRows: number;
}

interface MergedRow {
  keys: string[];
  labels: string[];
  measures: Record<string, number>;
  customers: number;
  suppressed: boolean;
}

/** Runs a checked definition: one statement per fact, the rows merged on their dimension keys. */
export async function runCustomReport(
  em: EntityManager,
  scope: ReportScope,
  period: ReportPeriod,
  definition: CustomReportDefinition,
): Promise<CustomReportResult> {
  const facts = [...new Set(definition.measures.map((code) => MEASURES[code].fact))];
  const context = { organizationId: scope.organizationId, period, today: todayIn(scope.timeZone) };
  const results: FactResult[] = [];
  for (const fact of facts) results.push(await runFact(em, fact, definition, context));
  const health = isHealthAggregate(definition);
  // A cut-off health aggregate could not be suppressed as a whole (cubeKeys refuses large cubes too).
  if (health && results.some((result) => result.truncated))
    throw new BadInputError(
      'definition.dimensions',
      'count',
      `A health aggregate has at most ${MAX_ROWS} cells: use fewer dimensions or a shorter period.`,
    );
  let rows = merge(results, facts, definition, period, health);
  if (health) suppressSmallCells(rows, definition.dimensions.length);
  const truncated = rows.length > MAX_ROWS || results.some((result) => result.truncated);
  rows = rows.slice(0, MAX_ROWS);
  return {
    period,
    columns: [
      ...definition.dimensions.map((code) => ({
        key: code,
        label: DIMENSIONS[code].label,
        kind: 'DIMENSION' as const,
        type: (code === 'period' ? 'DATE' : 'TEXT') as CellType,
      })),
      ...definition.measures.map((code) => ({
        key: code,
        label: MEASURES[code].label,
        kind: 'MEASURE' as const,
        type: MEASURES[code].type as CellType,
      })),
    ],
    rows: rows.map((row) => ({
      suppressed: row.suppressed,
      cells: [
        ...definition.dimensions.map((code, index) => dimensionCell(code, row, index, period)),
        ...definition.measures.map((code) => {
          const value = row.suppressed ? null : (row.measures[code] ?? 0);
          return MEASURES[code].type === 'MONEY'
            ? { money: value, suppressed: row.suppressed }
            : { count: value, suppressed: row.suppressed };
        }),
      ],
    })),
    truncated,
    rowLimit: MAX_ROWS,
    healthAggregate: health,
    suppressedRows: rows.filter((row) => row.suppressed).length,
  };
}

/**
 * The facts' rows joined on their keys; a fact without a row for a key adds zeros. A row's
 * customers are the fewest of any fact's (each fact's figures speak of its own customers). A health
 * aggregate is zero-filled to its whole cube first, so suppression sees every line complete.
 */
function merge(
  results: FactResult[],
  facts: FactCode[],
  definition: CustomReportDefinition,
  period: ReportPeriod,
  health: boolean,
): MergedRow[] {
  const byKey = new Map<
    string,
    { keys: string[]; labels: string[]; measures: Record<string, number>; perFact: Map<FactCode, number> }
  >();
  const seen: string[][] = [];
  // A zero-filled cell's store or tier is named as where the value was met.
  const labelOf = new Map<string, string>();
  for (const result of results)
    for (const row of result.rows) {
      const id = row.keys.join('\u0000');
      if (!byKey.has(id)) {
        byKey.set(id, { keys: row.keys, labels: row.labels, measures: {}, perFact: new Map() });
        seen.push(row.keys);
      }
      const entry = byKey.get(id)!;
      Object.assign(entry.measures, row.measures);
      entry.perFact.set(result.fact, row.customers);
      entry.labels = entry.labels.map((label, index) => label || row.labels[index]);
      for (const [index, key] of row.keys.entries())
        if (row.labels[index]) labelOf.set(`${index}\u0000${key}`, row.labels[index]);
    }
  const keys = health
    ? cubeKeys(definition.dimensions, seen, period)
    : [...byKey.values()].map((entry) => entry.keys).sort(compareKeys);
  return keys.map((rowKeys) => {
    const entry = byKey.get(rowKeys.join('\u0000'));
    return {
      keys: rowKeys,
      labels: entry?.labels ?? rowKeys.map((key, index) => labelOf.get(`${index}\u0000${key}`) ?? ''),
      measures: entry?.measures ?? {},
      customers: Math.min(...facts.map((fact) => entry?.perFact.get(fact) ?? 0)),
      suppressed: false,
    };
  });
}

function compareKeys(a: string[], b: string[]): number {
  for (let index = 0; index < a.length; index++) {
    if (a[index] !== b[index]) return a[index] < b[index] ? -1 : 1;
  }
  return 0;
}

/** A dimension's cell: the period's bucket clipped to the period, else the key and its label. */
function dimensionCell(code: string, row: MergedRow, index: number, period: ReportPeriod): CustomReportCell {
  const key = row.keys[index];
  if (code === 'period') {
    const bucket = period.buckets.find((candidate) => candidate.key === key);
    const from = bucket?.from ?? key;
    return {
      key: from,
      label: bucket && bucket.to !== from ? `${from}~${bucket.to}` : from,
      suppressed: false,
    };
  }
  const label = DIMENSIONS[code].labels?.[key] ?? (row.labels[index] || key);
  return { key, label, suppressed: false };
}
