import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Product } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type { ConnectionShape } from '../../core/paging/connection';
import type { ProductFilter, ProductInput } from '../../schema/catalogue/product.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { changedFields } from '../changes';
import { decodeCursor, pageSize, toConnection } from '../../core/paging/cursor';
import { assertVersion, withUniqueConflicts, type UniqueRule } from '../constraint-errors';
import { inTransaction } from '../transaction';
import { likeLiteral } from '../sql';

const UNIQUE_CODE: UniqueRule = {
  constraint: 'product_organization_id_code_unique',
  field: 'code',
  reason: 'DUPLICATE_CODE',
  message: 'Another product has this code: choose another one.',
};

const REQUIRED = ['code', 'name', 'unit', 'costMinorUnits', 'priceMinorUnits'] as const;

/** 产品 / 耗材 of the organization; stock per store is moved by StockChangeService. */
export class ProductService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async get(id: string): Promise<Product> {
    const product = await this.em.findOne(Product, { id });
    if (!product) throw new NotFoundError('Product', id);
    return product;
  }

  /** By name, then id: a stable order to page through with `after`. */
  async list(args: {
    first?: number;
    after?: string;
    filter?: ProductFilter;
  }): Promise<ConnectionShape<Product>> {
    const limit = pageSize(args.first);
    const page: FilterQuery<Product>[] = [this.condition(args.filter)];
    if (args.after) {
      const cursor = decodeCursor(args.after);
      const keyset = raw(
        (alias) => `(${alias}.name, ${alias}.id) > (?, ?)`,
        [String(cursor.sortValue), cursor.id],
      );
      page.push({ [keyset]: [] } as FilterQuery<Product>);
    }
    const rows = await this.em.find(
      Product,
      { $and: page },
      { orderBy: [{ name: 'asc' }, { id: 'asc' }], limit: limit + 1 },
    );
    return toConnection(
      rows,
      limit,
      args.after,
      (node) => node.name,
      () => this.em.count(Product, this.condition(args.filter)),
    );
  }

  create(input: ProductInput): Promise<Product> {
    const missing = REQUIRED.find((field) => input[field] === undefined || input[field] === null);
    if (missing) throw new BadInputError(missing, 'required', `${missing} is required to create a product.`);
    return withUniqueConflicts([UNIQUE_CODE], () =>
      inTransaction(this.em, async (em) => {
        const product = em.create(Product, {
          organization: this.viewer.organizationId,
          code: input.code!,
          name: input.name!,
          unit: input.unit!,
          cost: input.costMinorUnits!,
          price: input.priceMinorUnits!,
        });
        const fields = this.apply(product, input);
        this.audit.recordChange(em, AuditAction.CREATE, 'Product', product.id, undefined, fields);
        return product;
      }),
    );
  }

  update(id: string, expectedVersion: number, input: ProductInput): Promise<Product> {
    return withUniqueConflicts([UNIQUE_CODE], () =>
      inTransaction(this.em, async (em) => {
        const product = await em.findOne(Product, { id });
        if (!product) throw new NotFoundError('Product', id);
        assertVersion('Product', product.version, expectedVersion);
        const fields = this.apply(product, input);
        if (fields.length > 0)
          this.audit.recordChange(em, AuditAction.UPDATE, 'Product', id, undefined, fields);
        return product;
      }),
    );
  }

  /** An inactive product is kept for history, left off low-stock lists and not receivable. */
  setActive(id: string, active: boolean): Promise<Product> {
    return inTransaction(this.em, async (em) => {
      const product = await em.findOne(Product, { id });
      if (!product) throw new NotFoundError('Product', id);
      if (product.active !== active) {
        product.active = active;
        this.audit.recordChange(em, AuditAction.UPDATE, 'Product', id, undefined, ['active']);
      }
      return product;
    });
  }

  private apply(product: Product, input: ProductInput): string[] {
    const clear = (value: string | null | undefined) => (value === null ? null : value?.trim());
    const fields = changedFields(product, {
      code: input.code,
      name: input.name?.trim(),
      brand: clear(input.brand),
      spec: clear(input.spec),
      unit: input.unit?.trim(),
      cost: input.costMinorUnits,
      price: input.priceMinorUnits,
      lowStockThreshold: input.lowStockThreshold,
    });
    const inputNames: Record<string, string> = { cost: 'costMinorUnits', price: 'priceMinorUnits' };
    return fields.map((field) => inputNames[field] ?? field);
  }

  private condition(filter: ProductFilter = {}): FilterQuery<Product> {
    const conditions: FilterQuery<Product>[] = [];
    if (filter.active !== undefined && filter.active !== null) conditions.push({ active: filter.active });
    if (filter.search) {
      const pattern = `%${likeLiteral(filter.search)}%`;
      conditions.push({
        $or: [{ name: { $ilike: pattern } }, { brand: { $ilike: pattern } }, { code: { $ilike: pattern } }],
      });
    }
    return conditions.length > 0 ? { $and: conditions } : {};
  }
}
