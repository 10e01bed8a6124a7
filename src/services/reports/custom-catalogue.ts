import { Role } from '../../entities/access/access.enums';
import { HEALTH_ACCESS, HealthSection } from '../../core/health-access';

export { FACT_SQL } from './custom-facts';
export { MEASURES } from './custom-measures';
export { DIMENSIONS } from './custom-dimensions';

/**
 * 自定义报表: the whitelisted catalogue a custom report is built from. A client names codes; only
 * these fragments ever become SQL, and every value it sends is a bound parameter.
 *
 * A fact is the set of rows a measure aggregates, every one with the same columns (`f.at`,
 * `f.store_id`, `f.customer_id`, `f.service_id`, `f.therapist_id`, `f.product_id`, `f.amount`,
 * `f.amount2`, `f.quantity`), so a dimension's fragment reads the same column whatever the fact.
 */
export type FactCode =
  'customers' | 'newCustomers' | 'visits' | 'lines' | 'settlements' | 'cash' | 'productUse';

export type CellType = 'TEXT' | 'DATE' | 'COUNT' | 'MONEY';

export interface MeasureSpec {
  label: string;
  description: string;
  fact: FactCode;
  type: 'COUNT' | 'MONEY';
  /** The aggregate over the fact's rows `f`. */
  sql: string;
}

/** Which joins a dimension needs, by alias. */
export type JoinCode =
  | 'customer'
  | 'healthProfile'
  | 'allergies'
  | 'specialConditions'
  | 'store'
  | 'tier'
  | 'service'
  | 'therapist'
  | 'product';

export interface DimensionSpec {
  label: string;
  description: string;
  /** The facts whose rows carry it. */
  facts: FactCode[];
  /** Its key as text; `?` values come from `keyValues` (see custom-query.ts). */
  key: string;
  keyValues?: 'grain' | 'today' | 'constitution';
  /** A label for people, aggregated with min(); static labels otherwise. */
  labelSql?: string;
  labels?: Record<string, string>;
  joins: JoinCode[];
  /** Health data: only roles that read every customer's clinical data, always with small-cell suppression. */
  health?: boolean;
  /** Every value it can take, for the zero-filled cube of a health aggregate. */
  values?: string[];
  /** What a filter value must look like; without it the dimension cannot be filtered. */
  filter?: 'uuid' | 'enum' | 'text';
}

export const MAX_DIMENSIONS = 3;
export const MAX_MEASURES = 5;
export const MAX_FILTERS = 5;
export const MAX_FILTER_VALUES = 50;
/** A result has at most this many rows; more is `truncated` (a health aggregate is refused instead). */
export const MAX_ROWS = 1_000;
/** A health cell of fewer customers than this shows no figure. */
export const MIN_CELL_CUSTOMERS = 5;

/** Money measures: never for MARKETING (no revenue in its reports). */
export function mayUseMeasure(role: Role, measure: MeasureSpec): boolean {
  if (role === Role.OWNER || role === Role.MANAGER) return true;
  return role === Role.MARKETING && measure.type !== 'MONEY';
}

/** Health dimensions for roles that read every customer's clinical data; the therapist for OWNER and MANAGER. */
export function mayUseDimension(role: Role, code: string, dimension: DimensionSpec): boolean {
  if (dimension.health) return HEALTH_ACCESS[role][HealthSection.CLINICAL] === 'ALWAYS';
  if (role === Role.OWNER || role === Role.MANAGER) return true;
  return role === Role.MARKETING && code !== 'therapist';
}
