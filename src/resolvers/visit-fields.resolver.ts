import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';
import { Customer, type Visit, type VisitLine, type VisitProductUse } from '../entities';
import type { AppContext } from '../server/context';
import { CustomerType } from '../schema/customer.type';
import { VisitConnection, VisitLineType, VisitProductUseType, VisitType } from '../schema/visit.type';
import { inCurrency } from './money-field';

/** Relations of visits, through batching loaders: a page costs the same statements at any size. */
@Resolver(() => VisitType)
export class VisitFieldsResolver {
  @FieldResolver()
  store(@Root() visit: Visit) {
    return visit.store.load();
  }

  @FieldResolver()
  customer(@Root() visit: Visit) {
    return visit.customer.load();
  }

  @FieldResolver(() => ID, { nullable: true })
  appointmentId(@Root() visit: Visit) {
    return visit.appointment?.id ?? null;
  }

  @FieldResolver()
  async lines(@Root() visit: Visit) {
    return (await visit.lines.load()).getItems();
  }

  @FieldResolver()
  recordedBy(@Root() visit: Visit) {
    return visit.recordedBy?.load() ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  conditionNotes(@Root() visit: Visit, @Ctx() context: AppContext) {
    return context.loaders.visitConditionNotes.load(visit.id);
  }
}

@Resolver(() => VisitLineType)
export class VisitLineFieldsResolver {
  @FieldResolver()
  service(@Root() line: VisitLine) {
    return line.service.load();
  }

  @FieldResolver()
  therapist(@Root() line: VisitLine) {
    return line.therapist.load();
  }

  @FieldResolver()
  async listPrice(@Root() line: VisitLine, @Ctx() context: AppContext) {
    return inCurrency(context, line.listPrice);
  }

  @FieldResolver()
  async products(@Root() line: VisitLine) {
    return (await line.products.load({ populate: ['product'] })).getItems();
  }
}

@Resolver(() => VisitProductUseType)
export class VisitProductUseFieldsResolver {
  @FieldResolver()
  productId(@Root() use: VisitProductUse) {
    return use.product.id;
  }

  @FieldResolver()
  async productName(@Root() use: VisitProductUse) {
    return (await use.product.loadOrFail()).name;
  }

  @FieldResolver()
  async unit(@Root() use: VisitProductUse) {
    return (await use.product.loadOrFail()).unit;
  }
}

@Resolver(() => CustomerType)
export class CustomerVisitsResolver {
  @FieldResolver(() => VisitConnection, {
    nullable: true,
    description: '服务记录 of the customer, newest first.',
  })
  visits(
    @Root() customer: Customer,
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ) {
    return context.loaders.customerVisits.load({ parentId: customer.id, first, after });
  }
}
