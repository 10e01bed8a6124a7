import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { customerCompanions } from './customer-companions';
import { Customer } from '../../entities';
import { readShape } from '../../services/read/read-shapes';
import { LookAhead } from '../../services/read/selection';
import type { AppContext } from '../context';
import {
  CreateCustomerInput,
  CustomerFilter,
  CustomerOrder,
  UpdateCustomerInput,
} from '../../schema/customers/customer.inputs';
import { CustomerConnection, CustomerType } from '../../schema/customers/customer.type';

@Resolver(() => CustomerType)
export class CustomerResolver {
  @Query(() => CustomerType, { description: 'One customer by id (NOT_FOUND outside your organization).' })
  customer(@Arg('id', () => ID) id: string, @Ctx() context: AppContext, @Info() info: GraphQLResolveInfo) {
    return context.services.customerQueries.get(id, {
      companions: customerCompanions(context, LookAhead.of(info)),
      shape: readShape(context.em, Customer, context.selection.byType),
    });
  }

  @Query(() => CustomerConnection, {
    description: 'Customers as a Relay connection, filtered and ordered on the server.',
  })
  customers(
    @Ctx() context: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('filter', () => CustomerFilter, { nullable: true }) filter?: CustomerFilter,
    @Arg('orderBy', () => CustomerOrder, { nullable: true, description: 'Default: newest first.' })
    orderBy?: CustomerOrder,
  ) {
    const connection = LookAhead.of(info);
    const node = connection.child('edges')?.child('node');
    const prefetch = {
      companions: customerCompanions(context, node),
      shape: readShape(context.em, Customer, context.selection.byType),
      totalCount: connection.has('totalCount'),
    };
    return context.services.customerQueries.list({ first, after, filter, orderBy, prefetch });
  }

  @Mutation(() => CustomerType, {
    description: 'Create a customer record (建档); the code is assigned automatically.',
  })
  createCustomer(@Arg('input') input: CreateCustomerInput, @Ctx() context: AppContext) {
    return context.services.customers.create(input);
  }

  @Mutation(() => CustomerType, {
    description: 'Update a customer; fails with CONFLICT when expectedVersion is stale.',
  })
  updateCustomer(
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Arg('input') input: UpdateCustomerInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.customers.update(id, expectedVersion, input);
  }

  @Mutation(() => CustomerType, { description: 'Archive a customer: hidden from lists, kept for history.' })
  archiveCustomer(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.customers.setArchived(id, true);
  }

  @Mutation(() => CustomerType, { description: 'Restore an archived customer.' })
  restoreCustomer(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.customers.setArchived(id, false);
  }

  @Mutation(() => CustomerType, {
    description: "Replace the customer's tags; unknown tag names are created.",
  })
  setCustomerTags(
    @Arg('id', () => ID) id: string,
    @Arg('tagNames', () => [String]) tagNames: string[],
    @Ctx() context: AppContext,
  ) {
    return context.services.customers.setTags(id, tagNames);
  }

  @Mutation(() => CustomerType, {
    description: '专属顾问/技师: assign (or with null, unassign) consultant and therapist.',
  })
  assignCustomerStaff(
    @Arg('id', () => ID) id: string,
    @Ctx() context: AppContext,
    @Arg('consultantId', () => ID, { nullable: true }) consultantId?: string | null,
    @Arg('therapistId', () => ID, { nullable: true }) therapistId?: string | null,
  ) {
    return context.services.customers.assignStaff(id, consultantId, therapistId);
  }
}
