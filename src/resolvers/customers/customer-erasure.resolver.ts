import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { CustomerRetentionInput, EraseCustomerInput } from '../../schema/customers/customer-erasure.inputs';
import { CustomerErasureType, CustomerRetentionType } from '../../schema/customers/customer-erasure.type';

/** 删除个人信息 (PIPL art. 47) and the retention rule; the export is GET /exports/customers/:id.json|xlsx. */
@Resolver()
export class CustomerErasureResolver {
  @Mutation(() => CustomerErasureType, {
    description:
      "Erase a customer's personal data, irreversibly (OWNER): health profile and notes destroyed, identity replaced by 已删除客户 + code, tags and consents removed; visits, ledger and settlements stay. Audited without the values. CONFLICT ERASED when done already.",
  })
  async eraseCustomer(@Arg('input') input: EraseCustomerInput, @Ctx() context: AppContext) {
    const customer = await context.services.customerErasure.erase(input);
    return { customer, erasedAt: customer.erasedAt };
  }

  @Query(() => CustomerRetentionType, { description: 'The retention rule (OWNER).' })
  customerRetention(@Ctx() context: AppContext) {
    return context.services.customerRetention.get();
  }

  @Mutation(() => CustomerRetentionType, {
    description:
      'Set the retention rule (OWNER): LOST customers without a visit for N years are erased daily.',
  })
  setCustomerRetention(@Arg('input') input: CustomerRetentionInput, @Ctx() context: AppContext) {
    return context.services.customerRetention.set(input.eraseLostCustomersAfterYears ?? null);
  }
}
