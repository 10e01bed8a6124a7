import {
  Customer,
  Product,
  ServiceItem,
  Store,
  User,
  VisitLine,
  VisitProductUse,
  type Visit,
} from '../../entities';
import { rowOf } from '../row-refs';
import type { RowOf } from '../../services/rows';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Resolver, Root } from 'type-graphql';
import { VISIT_LINE_ORDER } from '../../services/customers/customer-lists';
import { selectedFields } from '../../services/read/selection';
import type { AppContext } from '../context';
import { CustomerType } from '../../schema/customers/customer.type';
import {
  VisitConnection,
  VisitLineType,
  VisitProductUseType,
  VisitType,
} from '../../schema/visits/visit.type';
import { inCurrency } from '../money-field';

/** Relations of visits, through batching loaders: a page costs the same statements at any size. */
@Resolver(() => VisitType)
export class VisitFieldsResolver {
  @FieldResolver()
  store(@Root() visit: RowOf<Visit>, @Ctx() context: AppContext) {
    return rowOf(context, Store, visit.store);
  }

  @FieldResolver()
  customer(@Root() visit: RowOf<Visit>, @Ctx() context: AppContext) {
    return rowOf(context, Customer, visit.customer);
  }

  @FieldResolver(() => ID, { nullable: true })
  appointmentId(@Root() visit: RowOf<Visit>) {
    return visit.appointment?.id ?? null;
  }

  @FieldResolver()
  lines(@Root() visit: RowOf<Visit>, @Ctx() context: AppContext) {
    return context.loaders.rows.byParent(VisitLine, 'visit', VISIT_LINE_ORDER).get(visit.id);
  }

  @FieldResolver()
  recordedBy(@Root() visit: RowOf<Visit>, @Ctx() context: AppContext) {
    return rowOf(context, User, visit.recordedBy);
  }

  @FieldResolver(() => String, { nullable: true })
  conditionNotes(@Root() visit: RowOf<Visit>, @Ctx() context: AppContext) {
    return context.loaders.visitConditionNotes.load(visit.id);
  }
}

@Resolver(() => VisitLineType)
export class VisitLineFieldsResolver {
  @FieldResolver()
  service(@Root() line: RowOf<VisitLine>, @Ctx() context: AppContext) {
    return rowOf(context, ServiceItem, line.service);
  }

  @FieldResolver()
  therapist(@Root() line: RowOf<VisitLine>, @Ctx() context: AppContext) {
    return rowOf(context, User, line.therapist);
  }

  @FieldResolver()
  async listPrice(@Root() line: RowOf<VisitLine>, @Ctx() context: AppContext) {
    return inCurrency(context, line.listPrice);
  }

  @FieldResolver()
  products(@Root() line: RowOf<VisitLine>, @Ctx() context: AppContext) {
    return context.loaders.rows.byParent(VisitProductUse, 'line', 't.created_at asc, t.id asc').load(line.id);
  }
}

@Resolver(() => VisitProductUseType)
export class VisitProductUseFieldsResolver {
  @FieldResolver()
  productId(@Root() use: RowOf<VisitProductUse>) {
    return use.product.id;
  }

  @FieldResolver()
  async productName(@Root() use: RowOf<VisitProductUse>, @Ctx() context: AppContext) {
    return (await rowOf(context, Product, use.product))?.name;
  }

  @FieldResolver()
  async unit(@Root() use: RowOf<VisitProductUse>, @Ctx() context: AppContext) {
    return (await rowOf(context, Product, use.product))?.unit;
  }
}

@Resolver(() => CustomerType)
export class CustomerVisitsResolver {
  @FieldResolver(() => VisitConnection, {
    nullable: true,
    description: '服务记录 of the customer, newest first.',
  })
  visits(
    @Root() customer: RowOf<Customer>,
    @Ctx() context: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ) {
    return context.loaders.customerVisits
      .want(selectedFields(info, ['edges', 'node']))
      .pages.load({ parentId: customer.id, first, after });
  }
}
