import type { RowOf } from '../services/rows';
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Customer, Organization } from '../entities';
import type { AppContext } from '../server/context';
import {
  CareSettingsInput,
  GiveHealthConsentInput,
  WithdrawHealthConsentInput,
  SetContactConsentInput,
  UpdateContactPreferencesInput,
} from '../schema/consent.inputs';
import {
  CareSettingsType,
  ContactConsentType,
  HealthConsentStatus,
  HealthConsentType,
  MarketingCapType,
} from '../schema/consent.type';
import { healthConsentStatus } from '../services/health-consent';
import { ContactChannel } from '../schema/enums.type';
import { CustomerType } from '../schema/customer.type';
import { OrganizationType } from '../schema/organization.type';

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

@Resolver(() => OrganizationType)
export class CareSettingsResolver {
  @Mutation(() => OrganizationType, { description: 'Change how the care schedule creates tasks.' })
  updateCareSettings(@Arg('input') input: CareSettingsInput, @Ctx() context: AppContext) {
    return context.services.contactPreferences.updateCareSettings(input);
  }

  @FieldResolver(() => CareSettingsType, { nullable: true })
  careSettings(@Root() organization: RowOf<Organization>): CareSettingsType {
    return {
      visitFollowUpAfterHours: organization.visitFollowUpAfterHours,
      visitFollowUpWithinHours: organization.visitFollowUpWithinHours,
      greetingLeadDays: organization.greetingLeadDays,
      wakeUpAfterDays: organization.wakeUpAfterDays ?? organization.dormantAfterDays,
      cardExpiryReminderDays: organization.cardExpiryReminderDays,
      lowBalanceThresholdMinorUnits: organization.lowBalanceThreshold,
      marketingCap: { count: organization.marketingCapCount, days: organization.marketingCapDays },
      holidays: organization.careHolidays,
    };
  }
}
