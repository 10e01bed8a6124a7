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
): CustomerWhere {
  // A search is planned for its term on every call (no generic plan to keep): there the organization's
  // share of the table is worth showing the planner.
  const organization = filter.search ? '?' : ORGANIZATION_PARAMETER;
  const conditions = new Conditions().add(`c.organization_id = ${organization}`, viewer.organizationId);
  audience(conditions, viewer);
  if (filter.archivedOnly) conditions.add('c.archived_at is not null');
  else if (!filter.includeArchived) conditions.add('c.archived_at is null');
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
  return conditions;
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
