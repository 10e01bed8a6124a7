import { Role } from '../../entities/access/access.enums';
import type { CustomerOrderField, CustomerStatus } from '../../entities/customers/customers.enums';
import type { CustomerFilter } from '../../schema/customers/customer.inputs';
import type { Viewer } from '../../core/viewer';
import { externalIdWhere } from './customer-external-id.service';
import { likeLiteral, ORGANIZATION_PARAMETER } from '../sql';

/**
 * A condition over `customer c` as SQL text with `?` placeholders and its values in order. The
 * customers page and its count share one; the text depends only on which filters are set, so each
 * shape is one prepared statement (services/sql.ts).
 */
export interface CustomerWhere {
  sql: string;
  values: unknown[];
}

/** A list condition, and which sum of the organization's tally counts it when nothing narrows it. */
export interface CustomerListWhere extends CustomerWhere {
  tally?: 'live' | 'archived' | 'live + archived';
  organizationId: string;
}

/**
 * Where a customer's derived status changes (services/customers/customer-status.ts): instants, or SQL
 * expressions of the statement the condition goes into (server/compiled-read computes them from the
 * organization's thresholds with the statement's `now()`, so a kept plan never goes stale).
 */
export interface StatusBoundaries {
  dormantSince: Date | { sql: string };
  lostSince: Date | { sql: string };
}

/** A boundary as SQL: a bound instant, or the expression itself. */
function boundary(bound: Date | { sql: string }): CustomerWhere {
  return bound instanceof Date ? { sql: '?', values: [bound] } : { sql: bound.sql, values: [] };
}

/** The customer property and column each order of `customers` sorts by (then by id). */
export const CUSTOMER_ORDER = {
  CREATED_AT: { property: 'createdAt', column: 'created_at' },
  NAME: { property: 'namePinyin', column: 'name_pinyin' },
  CODE: { property: 'code', column: 'code' },
} as const satisfies Record<CustomerOrderField, { property: string; column: string }>;

/**
 * What a search term means: 4 digits are the last four of a phone (尾号), 5+ digits a phone, C123 a
 * customer code, latin letters pinyin or its initials, anything else the name itself.
 */
export function searchWhere(term: string): CustomerWhere | undefined {
  const text = term.trim();
  if (!text) return undefined;
  if (/^\d{4}$/.test(text)) return { sql: 'c.phone_last4 = ?', values: [text] };
  const digits = text.replace(/[\s+()-]/g, '');
  if (/^\d{5,15}$/.test(digits)) {
    const national = digits.startsWith('86') && digits.length === 13 ? digits.slice(2) : digits;
    return { sql: '(c.phone = ? or c.phone = ?)', values: [`+86${national}`, `+${digits}`] };
  }
  if (/^c\d+$/i.test(text)) return { sql: 'c.code = ?', values: [text.toUpperCase()] };
  if (/^[a-z\s']+$/i.test(text)) {
    const letters = `${likeLiteral(text.toLowerCase().replace(/[\s']/g, ''))}%`;
    return { sql: '(c.name_pinyin like ? or c.name_initials like ?)', values: [letters, letters] };
  }
  const name = likeLiteral(text);
  // Fragments of three or more characters use the trigram index (a prefix match is one of them);
  // shorter terms are prefixes on the btree index, as trigrams need three characters.
  return [...text].length >= 3
    ? { sql: 'c.name like ?', values: [`%${name}%`] }
    : { sql: 'c.name like ?', values: [`${name}%`] };
}

/** Collects conditions joined by `and`. */
class Conditions {
  private readonly parts: string[] = [];
  readonly values: unknown[] = [];

  add(sql: string, ...values: unknown[]): this {
    this.parts.push(sql);
    this.values.push(...values);
    return this;
  }

  get sql(): string {
    return this.parts.join(' and ');
  }

  get length(): number {
    return this.parts.length;
  }
}

/**
 * Who the viewer may see at all: MARKETING never sees customers who opted out (勿扰, or consent
 * withdrawn on every channel they were asked about); everyone else sees the whole organization.
 * Segment members are stricter: only customers with a granted consent (segment-rule.ts).
 */
function audience(conditions: Conditions, viewer: Viewer): void {
  if (viewer.role !== Role.MARKETING) return;
  conditions.add(
    `c.do_not_contact = false and (not exists (select 1 from contact_consent cc where cc.customer_id = c.id)
       or exists (select 1 from contact_consent cc where cc.customer_id = c.id and cc.granted))`,
  );
}

/** One customer of the viewer's organization and audience. */
export function customerByIdWhere(viewer: Viewer, id: string): CustomerWhere {
  const conditions = new Conditions()
    .add(`c.organization_id = ${ORGANIZATION_PARAMETER}`, viewer.organizationId)
    .add('c.id = ?', id);
  audience(conditions, viewer);
  return conditions;
}

/** The customers a filter names, inside the viewer's organization and audience. */
export function customerListWhere(
  viewer: Viewer,
  filter: CustomerFilter,
  boundaries: StatusBoundaries | undefined,
): CustomerListWhere {
  // A search is planned for its term on every call (no generic plan to keep): there the organization's
  // share of the table is worth showing the planner.
  const organization = filter.search ? '?' : ORGANIZATION_PARAMETER;
  const conditions = new Conditions().add(`c.organization_id = ${organization}`, viewer.organizationId);
  audience(conditions, viewer);
  // The whole organization, its audience being everyone: its tally counts the customers.
  const whole = conditions.length === 1;
  if (filter.archivedOnly) conditions.add('c.archived_at is not null');
  else if (!filter.includeArchived) conditions.add('c.archived_at is null');
  const unfiltered = conditions.length;
  const search = filter.search ? searchWhere(filter.search) : undefined;
  if (search) conditions.add(search.sql, ...search.values);
  if (filter.externalId) {
    const external = externalIdWhere(viewer, filter.externalId);
    conditions.add(external.sql, ...external.values);
  }
  if (filter.assignedConsultantId)
    conditions.add('c.assigned_consultant_id = ?', filter.assignedConsultantId);
  if (filter.assignedTherapistId) conditions.add('c.assigned_therapist_id = ?', filter.assignedTherapistId);
  // Every tag named (an exists per tag: no join, so no duplicate rows to remove).
  for (const tagId of new Set(filter.tagIds ?? []))
    conditions.add(
      'exists (select 1 from customer_tag ct where ct.customer_id = c.id and ct.tag_id = ?)',
      tagId,
    );
  // Each status once: repeating one made a new statement text per length.
  const statuses = [...new Set(filter.status ?? [])];
  if (statuses.length && boundaries) {
    const either = statuses.map((status) => statusWhere(status, boundaries));
    conditions.add(
      `(${either.map((where) => where.sql).join(' or ')})`,
      ...either.flatMap((where) => where.values),
    );
  }
  const tally =
    whole && conditions.length === unfiltered
      ? filter.archivedOnly
        ? 'archived'
        : filter.includeArchived
          ? 'live + archived'
          : 'live'
      : undefined;
  return { sql: conditions.sql, values: conditions.values, tally, organizationId: viewer.organizationId };
}

/**
 * How many customers a condition matches, as a scalar subquery: the organization's tally
 * (Migration20261207010000_customer_tally, the sum of its delta rows) when the condition is the
 * whole organization's live, archived or all customers, else a count of the rows.
 */
export function customerCountSql(where: CustomerListWhere): CustomerWhere {
  if (where.tally)
    return {
      sql: `(select coalesce(sum(${where.tally}), 0)::bigint from customer_tally where organization_id = ${ORGANIZATION_PARAMETER})`,
      values: [where.organizationId],
    };
  return { sql: `(select count(*) from customer c where ${where.sql})`, values: where.values };
}

/** The override when set, else the status derived from the last visit (or creation when none). */
function statusWhere(status: CustomerStatus, boundaries: StatusBoundaries): CustomerWhere {
  const dormant = boundary(boundaries.dormantSince);
  const lost = boundary(boundaries.lostSince);
  const since = (operator: '>' | '<=', bound: CustomerWhere) => ({
    sql: `(c.last_visit_at ${operator} ${bound.sql} or (c.last_visit_at is null and c.created_at ${operator} ${bound.sql}))`,
    values: [...bound.values, ...bound.values],
  });
  const derived = {
    ACTIVE: () => since('>', dormant),
    DORMANT: () => ({
      sql: `((c.last_visit_at <= ${dormant.sql} and c.last_visit_at > ${lost.sql}) or (c.last_visit_at is null and c.created_at <= ${dormant.sql} and c.created_at > ${lost.sql}))`,
      values: [...dormant.values, ...lost.values, ...dormant.values, ...lost.values],
    }),
    LOST: () => since('<=', lost),
  }[status]();
  return {
    sql: `(c.status_override = ? or (c.status_override is null and ${derived.sql}))`,
    values: [status, ...derived.values],
  };
}
