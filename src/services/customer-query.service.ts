import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, Organization } from '../entities';
import { CustomerStatus, Role } from '../entities/enums';
import type { ConnectionShape } from '../schema/connection.type';
import {
  CustomerOrderField,
  SortDirection,
  type CustomerFilter,
  type CustomerOrder,
} from '../schema/customer.inputs';
import { NotFoundError } from '../server/errors';
import type { Viewer } from '../server/viewer';
import { decodeCursor, pageSize, toConnection } from './cursor';
import { statusBoundaries } from './customer-status';

const ORDER_COLUMN = { createdAt: 'created_at', namePinyin: 'name_pinyin', code: 'code' } as const;

const ORDER_PROPERTY: Record<CustomerOrderField, 'createdAt' | 'namePinyin' | 'code'> = {
  CREATED_AT: 'createdAt',
  NAME: 'namePinyin',
  CODE: 'code',
};

/** Escapes LIKE wildcards in user input. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * What a search term means: 4 digits are the last four of a phone (尾号), 5+ digits a phone, C123 a
 * customer code, latin letters pinyin or its initials, anything else the name itself.
 */
export function searchCondition(term: string): FilterQuery<Customer> | undefined {
  const text = term.trim();
  if (!text) return undefined;
  if (/^\d{4}$/.test(text)) return { phoneLast4: text };
  const digits = text.replace(/[\s+()-]/g, '');
  if (/^\d{5,15}$/.test(digits)) {
    const national = digits.startsWith('86') && digits.length === 13 ? digits.slice(2) : digits;
    return { $or: [{ phone: `+86${national}` }, { phone: `+${digits}` }] };
  }
  if (/^c\d+$/i.test(text)) return { code: text.toUpperCase() };
  if (/^[a-z\s']+$/i.test(text)) {
    const letters = likeLiteral(text.toLowerCase().replace(/[\s']/g, ''));
    return { $or: [{ namePinyin: { $like: `${letters}%` } }, { nameInitials: { $like: `${letters}%` } }] };
  }
  const name = likeLiteral(text);
  // Fragments of three or more characters use the trigram index (a prefix match is one of them);
  // shorter terms are prefixes on the btree index, as trigrams need three characters.
  return [...text].length >= 3 ? { name: { $like: `%${name}%` } } : { name: { $like: `${name}%` } };
}

export class CustomerQueryService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  async get(id: string): Promise<Customer> {
    const customer = await this.em.findOne(Customer, { $and: [{ id }, this.audience()] });
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }

  async list(args: {
    first?: number;
    after?: string;
    filter?: CustomerFilter;
    orderBy?: CustomerOrder;
  }): Promise<ConnectionShape<Customer>> {
    const limit = pageSize(args.first);
    const order = args.orderBy ?? { field: CustomerOrderField.CREATED_AT, direction: SortDirection.DESC };
    const property = ORDER_PROPERTY[order.field];
    const direction = order.direction === SortDirection.ASC ? 'asc' : 'desc';
    const where = await this.filterCondition(args.filter);
    const pageWhere: FilterQuery<Customer>[] = [where];
    if (args.after) {
      const cursor = decodeCursor(args.after);
      const value = property === 'createdAt' ? new Date(String(cursor.sortValue)) : cursor.sortValue;
      // A row comparison is one index range condition; the equivalent `a < x or (a = x and id < y)` is
      // only a filter, which walked half the table for a cursor in the middle (docs/benchmarks.md).
      const keyset = raw(
        (alias) =>
          `(${alias}.${ORDER_COLUMN[property]}, ${alias}.id) ${direction === 'asc' ? '>' : '<'} (?, ?)`,
        [value, cursor.id],
      );
      pageWhere.push({ [keyset]: [] } as FilterQuery<Customer>);
    }
    const rows = await this.em.find(
      Customer,
      { $and: pageWhere },
      { orderBy: [{ [property]: direction }, { id: direction }], limit: limit + 1 },
    );
    return toConnection(
      rows,
      limit,
      args.after,
      (node) => {
        const sortValue = node[property];
        return sortValue instanceof Date ? sortValue.toISOString() : sortValue;
      },
      () => this.em.count(Customer, where),
    );
  }

  private async filterCondition(filter: CustomerFilter = {}): Promise<FilterQuery<Customer>> {
    const conditions: FilterQuery<Customer>[] = [this.audience()];
    if (filter.archivedOnly) conditions.push({ archivedAt: { $ne: null } });
    else if (!filter.includeArchived) conditions.push({ archivedAt: null });
    if (filter.search) {
      const search = searchCondition(filter.search);
      if (search) conditions.push(search);
    }
    if (filter.externalId) conditions.push({ externalId: filter.externalId });
    if (filter.assignedConsultantId) conditions.push({ assignedConsultant: filter.assignedConsultantId });
    if (filter.assignedTherapistId) conditions.push({ assignedTherapist: filter.assignedTherapistId });
    for (const tagId of filter.tagIds ?? []) conditions.push({ tags: tagId });
    if (filter.status?.length) conditions.push({ $or: await this.statusConditions(filter.status) });
    return conditions.length ? { $and: conditions } : {};
  }

  /**
   * Who the viewer may see at all: MARKETING never sees customers who opted out (勿扰, or consent
   * withdrawn on every channel they were asked about); everyone else sees the whole organization.
   * Segment members are stricter: only customers with a granted consent (segment-rule.ts).
   */
  private audience(): FilterQuery<Customer> {
    if (this.viewer.role !== Role.MARKETING) return {};
    return {
      doNotContact: false,
      // Never asked is not opted out; withdrawn on every channel asked is.
      $or: [{ contactConsents: { $none: {} } }, { contactConsents: { $some: { granted: true } } }],
    };
  }

  private async statusConditions(statuses: CustomerStatus[]): Promise<FilterQuery<Customer>[]> {
    const organization = await this.em.findOneOrFail(Organization, { id: this.viewer.organizationId });
    const { dormantSince, lostSince } = statusBoundaries(organization);
    const since = raw((alias) => `coalesce(${alias}.last_visit_at, ${alias}.created_at)`);
    const derived: Record<CustomerStatus, FilterQuery<Customer>> = {
      ACTIVE: { [since]: { $gt: dormantSince } },
      DORMANT: { [since]: { $lte: dormantSince, $gt: lostSince } },
      LOST: { [since]: { $lte: lostSince } },
    };
    return statuses.flatMap((status) => [
      { statusOverride: status },
      { $and: [{ statusOverride: null }, derived[status]] },
    ]);
  }
}
