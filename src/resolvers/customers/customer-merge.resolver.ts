import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Customer } from '../../entities';
import type { RowOf } from '../../services/rows';
import { rowOf } from '../row-refs';
import type { AppContext } from '../context';
import { MergeCustomersInput } from '../../schema/customers/customer-merge.inputs';
import { CustomerMergeType } from '../../schema/customers/customer-merge.type';
import { CustomerType } from '../../schema/customers/customer.type';

@Resolver(() => CustomerMergeType)
export class CustomerMergeResolver {
  @Mutation(() => CustomerMergeType, {
    description:
      '合并客户: move everything of a duplicate to the survivor in one transaction (balances by TRANSFER ' +
      'entries); the duplicate stays, archived, answering mergedInto. A retry with the same idempotencyKey ' +
      'answers the first result.',
  })
  mergeCustomers(@Arg('input') input: MergeCustomersInput, @Ctx() context: AppContext) {
    return context.services.customerMerge.merge(input);
  }
}

/** What a merged record answers, so integrations holding its id, code or phone find the survivor. */
@Resolver(() => CustomerType)
export class CustomerMergedIntoResolver {
  @FieldResolver(() => CustomerType, {
    nullable: true,
    description: 'Set when this record was merged into another (合并): the customer to use instead.',
  })
  mergedInto(@Root() customer: RowOf<Customer>, @Ctx() context: AppContext) {
    return rowOf(context, Customer, customer.mergedInto);
  }

  @FieldResolver(() => Date, { nullable: true, description: 'When this record was merged into mergedInto.' })
  mergedAt(@Root() customer: RowOf<Customer>) {
    return customer.mergedAt ?? null;
  }
}
