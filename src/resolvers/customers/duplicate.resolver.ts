import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Customer } from '../../entities';
import type { DuplicatePair } from '../../services/customers/duplicate-customers.service';
import type { AppContext } from '../context';
import { DuplicateCandidateConnection, DuplicateCandidateType } from '../../schema/customers/duplicate.type';
import { CustomerType } from '../../schema/customers/customer.type';

@Resolver(() => DuplicateCandidateType)
export class DuplicateCustomersResolver {
  @Query(() => DuplicateCandidateConnection, {
    description:
      '疑似重复客户: pairs of live customers that may be one person, with the reasons; merge with mergeCustomers.',
  })
  duplicateCustomers(
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('customerId', () => ID, { nullable: true, description: "Only this customer's candidates." })
    customerId?: string,
  ) {
    return context.services.duplicateCustomers.list({ first, after, customerId });
  }

  @FieldResolver(() => CustomerType)
  first(@Root() pair: DuplicatePair, @Ctx() context: AppContext) {
    return context.loaders.rows.byId(Customer).load(pair.firstId);
  }

  @FieldResolver(() => CustomerType)
  second(@Root() pair: DuplicatePair, @Ctx() context: AppContext) {
    return context.loaders.rows.byId(Customer).load(pair.secondId);
  }
}
