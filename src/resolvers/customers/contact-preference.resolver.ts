import type { RowOf } from '../../services/rows';
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Customer } from '../../entities';
import type { AppContext } from '../context';
import { SetContactConsentInput, UpdateContactPreferencesInput } from '../../schema/customers/consent.inputs';
import { ContactConsentType, MarketingCapType } from '../../schema/customers/consent.type';
import { HealthConsentStatus, HealthConsentType } from '../../schema/health/health-consent.type';
import { healthConsentStatus } from '../../services/health/health-consent';
import { ContactChannel } from '../../schema/enums.type';
import { CustomerType } from '../../schema/customers/customer.type';

@Resolver(() => CustomerType)
export class CustomerContactResolver {
  @Mutation(() => CustomerType, {
    description: 'Give or withdraw marketing consent on a channel, with its source (kept in the audit log).',
  })
  setContactConsent(@Arg('input') input: SetContactConsentInput, @Ctx() context: AppContext) {
    return context.services.contactPreferences.setConsent(input);
  }

  @Mutation(() => CustomerType, { description: '勿扰, preferred channel, own frequency cap.' })
  updateContactPreferences(@Arg('input') input: UpdateContactPreferencesInput, @Ctx() context: AppContext) {
    return context.services.contactPreferences.updatePreferences(input);
  }

  @FieldResolver(() => HealthConsentType, { nullable: true })
  healthConsent(@Root() customer: RowOf<Customer>): HealthConsentType {
    return {
      status: healthConsentStatus(customer) as HealthConsentStatus,
      givenAt: customer.healthConsentGivenAt ?? undefined,
      source: customer.healthConsentSource ?? undefined,
      guardian: customer.healthConsentGuardian ?? undefined,
      withdrawnAt: customer.healthConsentWithdrawnAt ?? undefined,
    };
  }

  @FieldResolver(() => [ContactConsentType], {
    nullable: true,
    description: 'Marketing consent per channel; a channel not listed was never asked (no consent).',
  })
  contactConsents(@Root() customer: RowOf<Customer>, @Ctx() context: AppContext) {
    return context.loaders.contactConsents.load(customer.id);
  }

  @FieldResolver(() => Boolean, { nullable: true, description: '勿扰: no marketing at all.' })
  doNotContact(@Root() customer: RowOf<Customer>) {
    return customer.doNotContact;
  }

  @FieldResolver(() => ContactChannel, { nullable: true, description: '喜欢的沟通方式' })
  preferredChannel(@Root() customer: RowOf<Customer>) {
    return customer.preferredChannel ?? null;
  }

  @FieldResolver(() => MarketingCapType, {
    nullable: true,
    description: 'The frequency cap that applies: the customer’s own, else the organization’s.',
  })
  async marketingCap(@Root() customer: RowOf<Customer>, @Ctx() context: AppContext) {
    if (customer.marketingCapCount != null && customer.marketingCapDays != null)
      return { count: customer.marketingCapCount, days: customer.marketingCapDays };
    const organization = await context.loaders.organization();
    return { count: organization.marketingCapCount, days: organization.marketingCapDays };
  }
}
