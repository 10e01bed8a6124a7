import type { RowOf } from '../../services/rows';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ProductStock, type Product } from '../../entities';
import type { AppContext } from '../context';
import { ProductFilter, ProductInput } from '../../schema/catalogue/product.inputs';
import { ProductConnection, ProductType } from '../../schema/catalogue/product.type';
import { inCurrency } from '../money-field';

@Resolver(() => ProductType)
export class ProductResolver {
  @Query(() => ProductType, { description: 'One 产品, active or not.' })
  product(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.products.get(id);
  }

  @Query(() => ProductConnection, { description: '产品 / 耗材 by name; search matches name, brand or code.' })
  products(
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => ProductFilter, { nullable: true }) filter?: ProductFilter,
  ) {
    return context.services.products.list({ first, after, filter });
  }

  @Mutation(() => ProductType, {
    description:
      'Add a product (code, name, unit, costMinorUnits, priceMinorUnits required); CONFLICT reason DUPLICATE_CODE if taken.',
  })
  createProduct(@Arg('input') input: ProductInput, @Ctx() context: AppContext) {
    return context.services.products.create(input);
  }

  @Mutation(() => ProductType, {
    description: 'Change a product; CONFLICT reason STALE_VERSION when expectedVersion is not current.',
  })
  updateProduct(
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Arg('input') input: ProductInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.products.update(id, expectedVersion, input);
  }

  @Mutation(() => ProductType, { description: 'Activate or retire a product; its stock history stays.' })
  setProductActive(
    @Arg('id', () => ID) id: string,
    @Arg('active') active: boolean,
    @Ctx() context: AppContext,
  ) {
    return context.services.products.setActive(id, active);
  }

  @FieldResolver()
  async price(@Root() product: RowOf<Product>, @Ctx() context: AppContext) {
    return inCurrency(context, product.price);
  }

  @FieldResolver()
  async cost(@Root() product: RowOf<Product>, @Ctx() context: AppContext) {
    return inCurrency(context, product.cost);
  }

  @FieldResolver()
  stocks(@Root() product: RowOf<Product>, @Ctx() context: AppContext) {
    return context.loaders.rows.byParent(ProductStock, 'product', 't.created_at, t.id').load(product.id);
  }
}
