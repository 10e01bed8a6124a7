import { Customer, Store, Tag, User } from '../../entities';
import { rowOf } from '../row-refs';
import type { RowOf } from '../../services/rows';
import type { GraphQLResolveInfo } from 'graphql';
import { Ctx, FieldResolver, Info, Int, Resolver, Root } from 'type-graphql';
import { selectedFields } from '../../services/read/selection';
import type { AppContext } from '../context';
import { CustomerPreferences, CustomerType } from '../../schema/customers/customer.type';
import { HealthProfileType } from '../../schema/health/health-profile.type';
import { Money, money } from '../../schema/money.type';
import { StoreType } from '../../schema/organization/organization.type';
import { StaffMemberType } from '../../schema/staff/staff.type';
import { TagType } from '../../schema/customers/tag.type';
import { deriveStatus } from '../../services/customers/customer-status';
import { ageOn, todayIn } from '../../core/time';
import { CustomerStatus } from '../../schema/enums.type';

/** Relations and derived values of Customer; relations load through MikroORM's batching dataloaders. */
@Resolver(() => CustomerType)
export class CustomerFieldsResolver {
  @FieldResolver(() => [TagType])
  tags(@Root() customer: RowOf<Customer>, @Ctx() context: AppContext) {
    return context.loaders.rows.collection(Customer, 'tags', Tag).load(customer.id);
  }

  @FieldResolver(() => StaffMemberType, { nullable: true, description: '专属顾问' })
  assignedConsultant(@Root() customer: RowOf<Customer>, @Ctx() context: AppContext) {
    return rowOf(context, User, customer.assignedConsultant);
  }

  @FieldResolver(() => StaffMemberType, { nullable: true, description: '专属技师' })
  assignedTherapist(@Root() customer: RowOf<Customer>, @Ctx() context: AppContext) {
    return rowOf(context, User, customer.assignedTherapist);
  }

  @FieldResolver(() => CustomerType, { nullable: true, description: '推荐人' })
  referrer(@Root() customer: RowOf<Customer>, @Ctx() context: AppContext) {
    return rowOf(context, Customer, customer.referrer);
  }

  @FieldResolver(() => StoreType, { nullable: true })
  homeStore(@Root() customer: RowOf<Customer>, @Ctx() context: AppContext) {
    return rowOf(context, Store, customer.homeStore);
  }

  @FieldResolver(() => CustomerStatus)
  status(@Root() customer: RowOf<Customer>, @Ctx() { loaders }: AppContext) {
    const organization = loaders.organizationNow();
    return organization
      ? deriveStatus(customer, organization)
      : loaders.organization().then((loaded) => deriveStatus(customer, loaded));
  }

  @FieldResolver(() => Int, { nullable: true })
  async age(@Root() customer: RowOf<Customer>, @Ctx() { loaders }: AppContext) {
    if (!customer.birthday) return null;
    const organization = await loaders.organization();
    return ageOn(customer.birthday, todayIn(organization.timezone));
  }

  @FieldResolver(() => CustomerPreferences, { nullable: true })
  preferences(@Root() customer: RowOf<Customer>): CustomerPreferences {
    const preferences = customer.preferences ?? {};
    return {
      ...preferences,
      serviceTypes: preferences.serviceTypes ?? [],
      productBrands: preferences.productBrands ?? [],
      scents: preferences.scents ?? [],
      noScent: preferences.noScent ?? false,
      dietaryRestrictions: preferences.dietaryRestrictions ?? [],
    };
  }

  @FieldResolver(() => Money, { nullable: true, description: '累计消费' })
  lifetimeSpend(@Root() customer: RowOf<Customer>) {
    return money(customer.lifetimeSpend);
  }

  @FieldResolver(() => Money, { nullable: true, description: '客单价: lifetime spend divided by visits.' })
  averageTicket(@Root() customer: RowOf<Customer>) {
    return customer.visitCount > 0
      ? money(Math.round(Number(customer.lifetimeSpend) / customer.visitCount))
      : null;
  }

  @FieldResolver(() => Boolean, { nullable: true })
  hasHealthAlerts(@Root() customer: RowOf<Customer>, @Ctx() { loaders }: AppContext) {
    return loaders.hasHealthAlerts.get(customer.id);
  }

  @FieldResolver(() => HealthProfileType, {
    nullable: true,
    description: '健康档案 (sensitive; every read is audited).',
  })
  healthProfile(
    @Root() customer: RowOf<Customer>,
    @Ctx() context: AppContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return context.loaders.healthProfiles.want(selectedFields(info)).byCustomer.load(customer.id);
  }
}
