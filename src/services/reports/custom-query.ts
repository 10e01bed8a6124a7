import type { EntityManager } from '@mikro-orm/postgresql';
import { ReportGrain } from '../../entities/reports/reports.enums';
import { runPrepared } from '../sql';
import { keyRing } from '../../core/crypto/key-ring';
import { TcmConstitution } from '../../entities/health/health.enums';
import { DIMENSIONS, FACT_SQL, MAX_ROWS, MEASURES, type FactCode, type JoinCode } from './custom-catalogue';
import type { CustomReportDefinition } from './custom-definition';
import { instantsOf, type ReportPeriod } from './period';

/** One row of a fact's statement: the dimensions' keys and labels, the measures, its customers. */
export interface FactRow {
  keys: string[];
  labels: string[];
  measures: Record<string, number>;
  /** Distinct customers behind the row: what small-cell suppression counts. */
  customers: number;
}

export interface FactResult {
  fact: FactCode;
  rows: FactRow[];
  /** More rows than MAX_ROWS matched. */
  truncated: boolean;
}

/** The joins in the order they may depend on each other (tier and health read `c`). */
const JOIN_ORDER: JoinCode[] = [
  'customer',
  'healthProfile',
  'allergies',
  'specialConditions',
  'store',
  'tier',
  'service',
  'therapist',
  'product',
];

const WITHDRAWN = `c.health_consent_withdrawn_at is not null`;

/** Each join's SQL and how many times it binds the organization (or today's date). */
const JOIN_SQL: Record<JoinCode, { sql: string; binds: ('organization' | 'today')[] }> = {
  customer: {
    sql: `join customer c on c.id = f.customer_id and c.organization_id = ?`,
    binds: ['organization'],
  },
  healthProfile: {
    sql: `left join health_profile hp on hp.customer_id = c.id and hp.organization_id = c.organization_id`,
    binds: [],
  },
  // Allergies in force: active or recurring, not refuted or entered in error.
  allergies: {
    sql: `cross join lateral unnest(case when ${WITHDRAWN} then array['NOT_RECORDED'] else coalesce(
        (select array_agg(distinct a.category::text) from allergy a
         where a.customer_id = c.id and a.organization_id = c.organization_id
           and a.clinical_status in ('ACTIVE', 'RECURRENCE')
           and a.verification_status not in ('REFUTED', 'ENTERED_IN_ERROR')), array['NONE']) end) as ha(category)`,
    binds: [],
  },
  specialConditions: {
    sql: `cross join lateral unnest(case when ${WITHDRAWN} then array['NOT_RECORDED'] else coalesce(
        (select array_agg(distinct s.kind::text) from special_condition s
         where s.customer_id = c.id and s.organization_id = c.organization_id
           and s.starts_on <= ?::date and (s.ends_on is null or s.ends_on >= ?::date)), array['NONE']) end) as hs(kind)`,
    binds: ['today', 'today'],
  },
  store: {
    sql: `left join store st on st.id = f.store_id and st.organization_id = ?`,
    binds: ['organization'],
  },
  tier: {
    sql: `left join membership_tier t on t.id = c.tier_id and t.organization_id = ?`,
    binds: ['organization'],
  },
  service: {
    sql: `left join service_item si on si.id = f.service_id and si.organization_id = ?`,
    binds: ['organization'],
  },
  therapist: {
    sql: `left join app_user tu on tu.id = f.therapist_id and tu.organization_id = ?`,
    binds: ['organization'],
  },
  product: {
    sql: `left join product pd on pd.id = f.product_id and pd.organization_id = ?`,
    binds: ['organization'],
  },
};

const GRAIN_UNIT: Record<ReportGrain, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };

export interface QueryContext {
  organizationId: string;
  period: ReportPeriod;
  /** The local date ages and current special conditions are taken on. */
  today: string;
}

/**
 * One statement per fact the measures need: the fact's rows in a CTE, the catalogue's joins, the
 * filters as `key = any(?)`, grouped by the dimensions' keys. Only catalogue fragments are text;
 * everything the client sent is a bound value. Planned per call: the shapes are the clients'.
 */
export async function runFact(
  em: EntityManager,
  fact: FactCode,
  definition: CustomReportDefinition,
  context: QueryContext,
): Promise<FactResult> {
  const values: unknown[] = [];
  const { start, end } = instantsOf(context.period, context.period.timeZone);
  const factValues =
    fact === 'customers'
      ? [context.organizationId]
      : fact === 'cash'
        ? [context.organizationId, start, end, context.organizationId, start, end]
        : [context.organizationId, start, end];
  values.push(...factValues);
  const keyOf = (code: string) => {
    const dimension = DIMENSIONS[code];
    const keyValues =
      dimension.keyValues === 'grain'
        ? [GRAIN_UNIT[definition.grain], context.period.timeZone]
        : dimension.keyValues === 'today'
          ? [context.today]
          : dimension.keyValues === 'constitution'
            ? [JSON.stringify(keyRing.indexMap(context.organizationId, Object.values(TcmConstitution)))]
            : [];
    return { sql: dimension.key, values: keyValues };
  };
  const select: string[] = [];
  definition.dimensions.forEach((code, index) => {
    const key = keyOf(code);
    select.push(`${key.sql} as k${index}`);
    values.push(...key.values);
  });
  definition.dimensions.forEach((code, index) => {
    const labelSql = DIMENSIONS[code].labelSql;
    select.push(`${labelSql ? `min(${labelSql})` : 'null::text'} as l${index}`);
  });
  const measures = definition.measures.filter((code) => MEASURES[code].fact === fact);
  measures.forEach((code, index) => select.push(`(${MEASURES[code].sql})::bigint as m${index}`));
  select.push(`count(distinct f.customer_id)::bigint as customers`);
  const used = new Set<JoinCode>(
    [...definition.dimensions, ...definition.filters.map((filter) => filter.dimension)].flatMap(
      (code) => DIMENSIONS[code].joins,
    ),
  );
  if (used.has('tier') || used.has('healthProfile') || used.has('allergies') || used.has('specialConditions'))
    used.add('customer');
  const joins = JOIN_ORDER.filter((code) => used.has(code)).map((code) => {
    const join = JOIN_SQL[code];
    values.push(
      ...join.binds.map((bind) => (bind === 'organization' ? context.organizationId : context.today)),
    );
    return join.sql;
  });
  const where = definition.filters.map((filter) => {
    const key = keyOf(filter.dimension);
    values.push(...key.values, filter.values);
    return `(${key.sql}) = any(?::text[])`;
  });
  const groupBy = definition.dimensions.map((_, index) => String(index + 1));
  values.push(MAX_ROWS + 1);
  const rows = await runPrepared<Record<string, string | null>>(
    em,
    `with f as (${FACT_SQL[fact].sql})
     select ${select.join(', ')}
     from f ${joins.join(' ')}
     ${where.length ? `where ${where.join(' and ')}` : ''}
     ${groupBy.length ? `group by ${groupBy.join(', ')} order by ${groupBy.join(', ')}` : ''}
     limit ?`,
    values,
    { plan: 'per-call' },
  );
  return {
    fact,
    truncated: rows.length > MAX_ROWS,
    rows: rows.slice(0, MAX_ROWS).map((row) => ({
      keys: definition.dimensions.map((_, index) => row[`k${index}`] ?? 'NONE'),
      labels: definition.dimensions.map((_, index) => row[`l${index}`] ?? ''),
      measures: Object.fromEntries(measures.map((code, index) => [code, Number(row[`m${index}`] ?? 0)])),
      customers: Number(row.customers ?? 0),
    })),
  };
}
