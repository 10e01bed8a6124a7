import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager, QBFilterQuery } from '@mikro-orm/postgresql';
import { Customer, Organization } from '../../entities';
import { CustomerOrderField, CustomerStatus, SortDirection } from '../../entities/customers/customers.enums';
import { Role } from '../../entities/access/access.enums';
import type { ConnectionShape } from '../../core/paging/connection';
import type { CustomerFilter, CustomerOrder } from '../../schema/customers/customer.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { Loaders } from '../read/loaders';
import type { Companion } from '../read/companions';
import { runPrepared } from '../sql';
import { countRows } from '../newest-first';
import { decodeCursor, decodeTimeCursor, pageSize, toConnection } from '../../core/paging/cursor';
import { rowShape, selectList, type RowOf, type RowShape } from '../rows';
import { statusBoundaries } from './customer-status';
import { isUuid } from '../../core/uuid';

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

/** What the response will ask for next and the customer statement brings along. */
export interface CustomerPrefetch {
  companions?: readonly Companion[];
  /** The columns the response reads (services/read/read-shapes.ts); every column when absent. */
  shape?: RowShape<Customer>;
}

/**
 * Reads of customers as plain rows (services/rows.ts), primed into the request's row loader so that
 * rules and relations find them without a second read.
 */
export class CustomerQueryService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly loaders: Loaders,
  ) {}

  async get(id: string, prefetch: CustomerPrefetch = {}): Promise<RowOf<Customer>> {
    if (!isUuid(id))
      throw new BadInputError('id', 'uuid', 'id is not a customer id: pass an id returned by this API.');
    const [customer] = await this.select({ $and: [{ id }, this.audience()] }, { limit: 1, ...prefetch });
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }

  /** One statement, the organization filter applied, rows mapped without the unit of work. */
  private async select(
    where: FilterQuery<Customer>,
    options: CustomerPrefetch & {
      orderBy?: Record<string, 'asc' | 'desc'>[];
      limit: number;
      distinct?: boolean;
      /** per-call: planned for its values (a search, whose best plan depends on the term). */
      plan?: 'cached' | 'per-call';
    },
  ): Promise<RowOf<Customer>[]> {
    const shape = options.shape ?? rowShape(this.em, Customer);
    const query = this.em
      .createQueryBuilder(Customer, 'c')
      // A tag filter joins the pivot; distinct keeps one row per customer (the identity map did that).
      .select(raw(selectList(shape, 'c')), options.distinct)
      .where(where as QBFilterQuery<Customer>)
      .limit(options.limit);
    if (options.orderBy) query.orderBy(options.orderBy);
    await query.applyFilters();
    const page = query.getKnexQuery().toSQL();
    let sql = page.sql;
    let values: unknown[] = [...page.bindings];
    const companions = options.companions ?? [];
    if (companions.length) {
      // Around the page, so companions are computed for its rows only: in the page's own select list
      // PostgreSQL evaluated them for every match before sorting (the health flag for 96 rows of a
      // 尾号, 7.5 ms at 1M).
      const order = (options.orderBy ?? []).flatMap((entry) =>
        Object.entries(entry).map(([property, direction]) => `p."${shape.columnOf(property)}" ${direction}`),
      );
      sql = `select p.*, ${companions.map((companion, index) => `${companion.sql} as companion_${index}`).join(', ')}
               from (${sql}) p${order.length ? ` order by ${order.join(', ')}` : ''}`;
      values = [...companions.flatMap((companion) => companion.params), ...values];
    }
    const raws = await runPrepared(this.em, sql, values, { plan: options.plan });
    const loader = this.loaders.rows.byId(Customer);
    return raws.map((columns) => {
      const row = shape.map(columns);
      loader.prime(row.id, row);
      companions.forEach((companion, index) => companion.take(row.id, columns[`companion_${index}`]));
      return row;
    });
  }

  async list(args: {
    first?: number;
    after?: string;
    filter?: CustomerFilter;
    orderBy?: CustomerOrder;
    prefetch?: CustomerPrefetch;
  }): Promise<ConnectionShape<RowOf<Customer>>> {
    const limit = pageSize(args.first);
    const order = args.orderBy ?? { field: CustomerOrderField.CREATED_AT, direction: SortDirection.DESC };
    const property = ORDER_PROPERTY[order.field];
    const direction = order.direction === SortDirection.ASC ? 'asc' : 'desc';
    const where = await this.filterCondition(args.filter);
    const pageWhere: FilterQuery<Customer>[] = [where];
    if (args.after) {
      const cursor = property === 'createdAt' ? decodeTimeCursor(args.after) : decodeCursor(args.after);
      const value = 'at' in cursor ? cursor.at : cursor.sortValue;
      // A row comparison is one index range condition; the equivalent `a < x or (a = x and id < y)` is
      // only a filter, which walked half the table for a cursor in the middle (docs/benchmarks.md).
      const keyset = raw(
        (alias) =>
          `(${alias}.${ORDER_COLUMN[property]}, ${alias}.id) ${direction === 'asc' ? '>' : '<'} (?, ?)`,
        [value, cursor.id],
      );
      pageWhere.push({ [keyset]: [] } as FilterQuery<Customer>);
    }
    const rows = await this.select(
      { $and: pageWhere },
      {
        orderBy: [{ [property]: direction }, { id: direction }],
        limit: limit + 1,
        distinct: (args.filter?.tagIds?.length ?? 0) > 0,
        // A search's best plan depends on the term: a generic plan for `name_pinyin like $1` walked
        // the created_at index backwards past 26,953 rows for "zhangwei" at 1M (21 ms), where the
        // pinyin index finds its 848 matches in 1 ms (docs/benchmarks.md).
        plan: args.filter?.search ? 'per-call' : 'cached',
        ...args.prefetch,
      },
    );
    return toConnection(
      rows,
      limit,
      args.after,
      (node) => {
        const sortValue = node[property];
        return sortValue instanceof Date ? sortValue.toISOString() : sortValue;
      },
      () => countRows(this.em, Customer, where, { distinct: (args.filter?.tagIds?.length ?? 0) > 0 }),
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
    // Each status once: repeating one made a new statement text per length (and 4+ broke the SQL).
    if (filter.status?.length)
      conditions.push({ $or: await this.statusConditions([...new Set(filter.status)]) });
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
    // coalesce(last_visit_at, created_at) compared without a raw() key: one raw key in several
    // conditions broke the count query (INTERNAL_SERVER_ERROR for a filter naming all three statuses).
    const since = (range: Record<string, Date>): FilterQuery<Customer> => ({
      $or: [{ lastVisitAt: range }, { lastVisitAt: null, createdAt: range }],
    });
    const derived: Record<CustomerStatus, () => FilterQuery<Customer>> = {
      ACTIVE: () => since({ $gt: dormantSince }),
      DORMANT: () => since({ $lte: dormantSince, $gt: lostSince }),
      LOST: () => since({ $lte: lostSince }),
    };
    return statuses.flatMap((status) => [
      { statusOverride: status },
      { $and: [{ statusOverride: null }, derived[status]()] },
    ]);
  }
}
