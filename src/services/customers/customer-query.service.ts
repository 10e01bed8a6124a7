import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, Organization } from '../../entities';
import { CustomerOrderField, SortDirection } from '../../entities/customers/customers.enums';
import type { ConnectionShape } from '../../core/paging/connection';
import type { CustomerFilter, CustomerOrder } from '../../schema/customers/customer.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { Loaders } from '../read/loaders';
import type { Companion } from '../read/companions';
import { runPrepared } from '../sql';
import { decodeCursor, decodeTimeCursor, pageSize, toConnection } from '../../core/paging/cursor';
import { rowShape, selectList, type RowOf, type RowShape } from '../rows';
import { statusBoundaries } from './customer-status';
import {
  CUSTOMER_ORDER,
  customerByIdWhere,
  customerCountSql,
  customerListWhere,
  type CustomerWhere,
  type StatusBoundaries,
} from './customer-filter.sql';
import { isUuid } from '../../core/uuid';

/** What the response will ask for next and the customer statement brings along. */
export interface CustomerPrefetch {
  companions?: readonly Companion[];
  /** The columns the response reads (services/read/read-shapes.ts); every column when absent. */
  shape?: RowShape<Customer>;
  /** The response reads the connection's totalCount: counted in the page's own statement. */
  totalCount?: boolean;
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
    const {
      rows: [customer],
    } = await this.select(customerByIdWhere(this.viewer, id), { limit: 1, ...prefetch, totalCount: false });
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }

  /**
   * One statement over `customer c` (customer-filter.sql.ts: the organization and audience always
   * in it), rows mapped without the unit of work. Hand-written rather than a QueryBuilder: building
   * the page and its count through MikroORM cost the list page about 9 % of its Node CPU.
   */
  private async select(
    where: CustomerWhere,
    options: CustomerPrefetch & {
      orderBy?: { column: string; direction: 'asc' | 'desc' };
      limit: number;
      /** per-call: planned for its values (a search, whose best plan depends on the term). */
      plan?: 'cached' | 'per-call';
      /** Counted with the page (customerCountSql): an uncorrelated subquery, run once (an InitPlan), read off the first row. */
      count?: CustomerWhere;
    },
  ): Promise<{ rows: RowOf<Customer>[]; count?: number }> {
    const shape = options.shape ?? rowShape(this.em, Customer);
    const order = options.orderBy
      ? ` order by c.${options.orderBy.column} ${options.orderBy.direction}, c.id ${options.orderBy.direction}`
      : '';
    let sql = `select ${selectList(shape, 'c')} from customer c where ${where.sql}${order} limit ?`;
    let values: unknown[] = [...where.values, options.limit];
    const companions = options.companions ?? [];
    if (companions.length) {
      // Around the page, so companions are computed for its rows only: in the page's own select list
      // PostgreSQL evaluated them for every match before sorting (the health flag for 96 rows of a
      // 尾号, 7.5 ms at 1M).
      const outerOrder = options.orderBy
        ? ` order by p."${options.orderBy.column}" ${options.orderBy.direction}, p.id ${options.orderBy.direction}`
        : '';
      sql = `select p.*, ${companions.map((companion, index) => `${companion.sql} as companion_${index}`).join(', ')}
               from (${sql}) p${outerOrder}`;
      values = [...companions.flatMap((companion) => companion.params), ...values];
    }
    if (options.count) {
      // A round trip less than counting apart (a statement per page: Node and
      // PostgreSQL both pay per statement); the subquery's `c` is its own, the page's is `p`.
      sql = `select ${options.count.sql} as total_count, p.* from (${sql}) p`;
      values = [...options.count.values, ...values];
    }
    const raws = await runPrepared(this.em, sql, values, { plan: options.plan });
    const loader = this.loaders.rows.byId(Customer);
    const rows = raws.map((columns) => {
      const row = shape.map(columns);
      loader.prime(row.id, row);
      companions.forEach((companion, index) => companion.take(row.id, columns[`companion_${index}`]));
      return row;
    });
    // No row, no count: the caller counts apart (a page past the end, or nothing matches).
    const count = raws.length ? Number(raws[0].total_count) : undefined;
    return { rows, count: options.count ? count : undefined };
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
    const { property, column } = CUSTOMER_ORDER[order.field];
    const direction = order.direction === SortDirection.ASC ? 'asc' : 'desc';
    const filter = args.filter ?? {};
    const where = customerListWhere(
      this.viewer,
      filter,
      filter.status?.length ? await this.statusBoundaries() : undefined,
    );
    let page: CustomerWhere = where;
    if (args.after) {
      const cursor = property === 'createdAt' ? decodeTimeCursor(args.after) : decodeCursor(args.after);
      const value = 'at' in cursor ? cursor.at : cursor.sortValue;
      // A row comparison is one index range condition; the equivalent `a < x or (a = x and id < y)` is
      // only a filter, which walked half the table for a cursor in the middle (docs/benchmarks.md).
      page = {
        sql: `${where.sql} and (c.${column}, c.id) ${direction === 'asc' ? '>' : '<'} (?, ?)`,
        values: [...where.values, value, cursor.id],
      };
    }
    const { totalCount, ...prefetch } = args.prefetch ?? {};
    const { rows, count } = await this.select(page, {
      orderBy: { column, direction },
      limit: limit + 1,
      // A search's best plan depends on the term: a generic plan for `name_pinyin like $1` walked
      // the created_at index backwards past 26,953 rows for "zhangwei" at 1M (21 ms), where the
      // pinyin index finds its 848 matches in 1 ms (docs/benchmarks.md).
      plan: filter.search ? 'per-call' : 'cached',
      ...prefetch,
      count: totalCount ? customerCountSql(where) : undefined,
    });
    return toConnection(
      rows,
      limit,
      args.after,
      (node) => {
        const sortValue = node[property];
        return sortValue instanceof Date ? sortValue.toISOString() : sortValue;
      },
      async () => {
        if (count !== undefined) return count;
        const counting = customerCountSql(where);
        const [row] = await runPrepared<{ count: string | number }>(
          this.em,
          `select ${counting.sql} as count`,
          counting.values,
          { plan: 'per-call' },
        );
        return Number(row.count);
      },
    );
  }

  /** Where the derived status changes, from the organization's thresholds. */
  private async statusBoundaries(): Promise<StatusBoundaries> {
    const organization = await this.em.findOneOrFail(Organization, { id: this.viewer.organizationId });
    return statusBoundaries(organization);
  }
}
