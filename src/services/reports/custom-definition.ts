import { BadInputError, ForbiddenError } from '../../core/errors';
import { isUuid } from '../../core/uuid';
import type { Role } from '../../entities/access/access.enums';
import { ReportGrain } from '../../entities/reports/reports.enums';
import {
  DIMENSIONS,
  MAX_DIMENSIONS,
  MAX_FILTER_VALUES,
  MAX_FILTERS,
  MAX_MEASURES,
  MEASURES,
  mayUseDimension,
  mayUseMeasure,
} from './custom-catalogue';

export interface CustomReportFilter {
  dimension: string;
  values: string[];
}

/** What is saved (jsonb) and run: catalogue codes and filter values, nothing else. */
export interface CustomReportDefinition {
  measures: string[];
  dimensions: string[];
  grain: ReportGrain;
  filters: CustomReportFilter[];
}

const FIELD = 'definition';

/**
 * The definition as the catalogue allows it for a role, or BAD_USER_INPUT naming the part
 * (`definition.measures[1]`), or FORBIDDEN for a measure or dimension the role may not use. Run on
 * save and again on every run: a saved definition is data and may predate a change of the catalogue.
 */
export function checkedDefinition(raw: unknown, role: Role): CustomReportDefinition {
  const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const measures = codes(input.measures, `${FIELD}.measures`, MAX_MEASURES);
  const dimensions = codes(input.dimensions ?? [], `${FIELD}.dimensions`, MAX_DIMENSIONS);
  if (measures.length === 0)
    throw new BadInputError(`${FIELD}.measures`, 'required', 'A custom report needs at least one measure.');
  measures.forEach((code, index) => {
    const measure = MEASURES[code];
    const field = `${FIELD}.measures[${index}]`;
    if (!Object.hasOwn(MEASURES, code))
      throw new BadInputError(field, 'catalogue', `${field} is not a measure of reportCatalogue.`);
    if (!mayUseMeasure(role, measure))
      throw new ForbiddenError(`Your role may not use the measure ${code} (money).`);
  });
  dimensions.forEach((code, index) => {
    const field = `${FIELD}.dimensions[${index}]`;
    if (!Object.hasOwn(DIMENSIONS, code))
      throw new BadInputError(field, 'catalogue', `${field} is not a dimension of reportCatalogue.`);
    if (!mayUseDimension(role, code, DIMENSIONS[code]))
      throw new ForbiddenError(`Your role may not use the dimension ${code}.`);
    for (const measure of measures)
      if (!DIMENSIONS[code].facts.includes(MEASURES[measure].fact))
        throw new BadInputError(field, 'catalogue', `The measure ${measure} cannot be cut by ${code}.`);
  });
  const grain = input.grain ?? ReportGrain.MONTH;
  if (typeof grain !== 'string' || !Object.hasOwn(ReportGrain, grain))
    throw new BadInputError(`${FIELD}.grain`, 'catalogue', `${FIELD}.grain is DAY, WEEK or MONTH.`);
  const filters = checkedFilters(input.filters ?? [], measures, role);
  // A filter on a dimension the health aggregate does not show (gender, store, tier …), run with and
  // without it, gave a cell the suppression hid by difference (9 − 6 = the suppressed 3). A filter on
  // one of its own dimensions only picks cells of the same cube.
  const unshown = filters.find((filter) => !dimensions.includes(filter.dimension));
  if (unshown && dimensions.some((code) => DIMENSIONS[code].health))
    throw new BadInputError(
      `${FIELD}.filters`,
      'catalogue',
      `A report with a health dimension filters only on its own dimensions: add ${unshown.dimension} to the dimensions.`,
    );
  return { measures, dimensions, grain: grain as ReportGrain, filters };
}

/** Whether a definition reads health data: it then has the small-cell suppression of health-aggregate.ts. */
export function isHealthAggregate(definition: CustomReportDefinition): boolean {
  return definition.dimensions.some((code) => DIMENSIONS[code].health);
}

function codes(value: unknown, field: string, maximum: number): string[] {
  if (!Array.isArray(value) || value.some((code) => typeof code !== 'string'))
    throw new BadInputError(field, 'required', `${field} is a list of catalogue codes.`);
  if (value.length > maximum)
    throw new BadInputError(field, 'count', `${field} has at most ${maximum} entries.`);
  if (new Set(value).size !== value.length)
    throw new BadInputError(field, 'count', `${field} names a code twice.`);
  return value as string[];
}

function checkedFilters(value: unknown, measures: string[], role: Role): CustomReportFilter[] {
  const field = `${FIELD}.filters`;
  if (!Array.isArray(value)) throw new BadInputError(field, 'required', `${field} is a list.`);
  if (value.length > MAX_FILTERS)
    throw new BadInputError(field, 'count', `${field} has at most ${MAX_FILTERS} entries.`);
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const here = `${field}[${index}]`;
    const filter = (entry && typeof entry === 'object' ? entry : {}) as Record<string, unknown>;
    const code = filter.dimension;
    if (typeof code !== 'string' || !Object.hasOwn(DIMENSIONS, code) || seen.has(code))
      throw new BadInputError(
        `${here}.dimension`,
        'catalogue',
        `${here}.dimension is not a dimension to filter on (or is there twice).`,
      );
    seen.add(code);
    const dimension = DIMENSIONS[code];
    if (!mayUseDimension(role, code, dimension))
      throw new ForbiddenError(`Your role may not filter on ${code}.`);
    // Health values are never filters: a filter and its complement would give a small cell by difference.
    if (!dimension.filter)
      throw new BadInputError(`${here}.dimension`, 'catalogue', `${code} cannot be filtered on.`);
    for (const measure of measures)
      if (!dimension.facts.includes(MEASURES[measure].fact))
        throw new BadInputError(
          `${here}.dimension`,
          'catalogue',
          `The measure ${measure} cannot be filtered by ${code}.`,
        );
    const values = filter.values;
    if (!Array.isArray(values) || values.length === 0 || values.some((item) => typeof item !== 'string'))
      throw new BadInputError(`${here}.values`, 'required', `${here}.values is a non-empty list of strings.`);
    if (values.length > MAX_FILTER_VALUES)
      throw new BadInputError(
        `${here}.values`,
        'count',
        `${here}.values has at most ${MAX_FILTER_VALUES} entries.`,
      );
    (values as string[]).forEach((item, position) => {
      const valueField = `${here}.values[${position}]`;
      const valid =
        dimension.filter === 'uuid'
          ? isUuid(item) || item === 'NONE'
          : dimension.filter === 'enum'
            ? (dimension.values ?? []).includes(item)
            : item.length >= 1 && item.length <= 50;
      if (!valid)
        throw new BadInputError(valueField, 'catalogue', `${valueField} is not a value of ${code}.`);
    });
    return { dimension: code, values: values as string[] };
  });
}
