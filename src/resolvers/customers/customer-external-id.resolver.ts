import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Customer } from '../../entities';
import type { AppContext } from '../context';
import { CustomerType } from '../../schema/customers/customer.type';

/** `Customer.externalId` is whose id the caller keeps: an integration its own, staff the organization's. */
@Resolver(() => CustomerType)
export class CustomerExternalIdResolver {
  @FieldResolver()
  externalId(@Root() customer: Pick<Customer, 'id' | 'externalId'>, @Ctx() context: AppContext) {
    return context.services.customerExternalIds.externalIdOf(customer);
  }
}
