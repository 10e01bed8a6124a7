import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import {
  GiveHealthConsentInput,
  WithdrawHealthConsentInput,
} from '../../schema/health/health-consent.inputs';
import { CustomerType } from '../../schema/customers/customer.type';

/**
 * The separate consent to process a customer's health data (PIPL art. 29). `Customer.healthConsent`
 * is resolved next to the contact consents (customers/contact-preference.resolver.ts), where it was
 * first declared: the printed schema keeps its field order.
 */
@Resolver(() => CustomerType)
export class HealthConsentResolver {
  @Mutation(() => CustomerType, {
    description:
      'Record the separate consent to process health data (PIPL art. 29); under 14 a guardian gives it (art. 31).',
  })
  giveHealthConsent(@Arg('input') input: GiveHealthConsentInput, @Ctx() context: AppContext) {
    return context.services.healthConsent.give(input);
  }

  @Mutation(() => CustomerType, {
    description:
      'Withdraw it: the health profile is hidden from every role but OWNER and nothing more is written.',
  })
  withdrawHealthConsent(@Arg('input') input: WithdrawHealthConsentInput, @Ctx() context: AppContext) {
    return context.services.healthConsent.withdraw(input);
  }
}
