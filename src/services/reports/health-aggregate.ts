import { BadInputError } from '../../core/errors';
import { DIMENSIONS, MAX_ROWS, MIN_CELL_CUSTOMERS } from './custom-catalogue';
import type { ReportPeriod } from './period';

/** A cell of an aggregate: its dimension keys, the customers behind it, whether its figures are hidden. */
export interface AggregateCell {
  keys: string[];
  customers: number;
  suppressed: boolean;
}

/**
 * Small-cell suppression of an aggregate over health data (体质, allergies, special conditions).
 *
 * Primary: a cell of fewer than MIN_CELL_CUSTOMERS distinct customers (0 included) shows no figure.
 *
 * Complementary: a total is never secret (the same report without the health dimension, or with one
 * dimension fewer, gives it), so a line of cells that differ in one dimension only (same values of
 * every other) must not hide exactly one cell: that cell would be the line's total less the others.
 * In such a line the shown cell with the fewest customers is hidden too. Hiding it can leave another
 * line, along another dimension, with one hidden cell, so the rule runs over every dimension again
 * until nothing changes (it only ever hides more, so it ends). Lines are over complete value lists
 * (the cube is zero-filled first), so a line's cells add up to the coarser report's cell.
 *
 * What it cannot stop: differencing between two results over different populations (two periods,
 * two filters). Health aggregates therefore take no filter on a health value and no store scope
 * (the store is a dimension, inside the one suppressed cube); periods stay a known limit.
 */
export function suppressSmallCells(cells: AggregateCell[], dimensions: number): AggregateCell[] {
  for (const cell of cells) cell.suppressed = cell.customers < MIN_CELL_CUSTOMERS;
  for (let changed = true; changed;) {
    changed = false;
    for (let dimension = 0; dimension < dimensions; dimension++) {
      const lines = new Map<string, AggregateCell[]>();
      for (const cell of cells) {
        const line = cell.keys.filter((_, index) => index !== dimension).join('\u0000');
        lines.set(line, [...(lines.get(line) ?? []), cell]);
      }
      for (const line of lines.values()) {
        if (line.length < 2 || line.filter((cell) => cell.suppressed).length !== 1) continue;
        const smallest = line
          .filter((cell) => !cell.suppressed)
          .reduce((least, cell) => (cell.customers < least.customers ? cell : least));
        smallest.suppressed = true;
        changed = true;
      }
    }
  }
  return cells;
}

/**
 * Every combination of the dimensions' values: the catalogue's full lists for health and other
 * enumerated dimensions, the period's buckets for `period`, the values met for the rest. A cube
 * larger than MAX_ROWS is refused (it could not be suppressed as a whole).
 */
export function cubeKeys(dimensions: string[], seen: string[][], period: ReportPeriod): string[][] {
  const axes = dimensions.map((code, index) => {
    if (code === 'period') return period.buckets.map((bucket) => bucket.key);
    const known = DIMENSIONS[code].values;
    const met = [...new Set(seen.map((keys) => keys[index]))].sort();
    return known ? [...known, ...met.filter((key) => !known.includes(key))] : met;
  });
  const size = axes.reduce((product, axis) => product * axis.length, 1);
  if (size > MAX_ROWS)
    throw new BadInputError(
      'definition.dimensions',
      'count',
      `A health aggregate is suppressed as a whole and has at most ${MAX_ROWS} cells; this one has ${size}: use fewer dimensions or a shorter period.`,
    );
  return axes.reduce<string[][]>(
    (combinations, axis) => combinations.flatMap((prefix) => axis.map((key) => [...prefix, key])),
    [[]],
  );
}
