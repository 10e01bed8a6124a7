import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Organization, Store, Tag, User } from '../../entities';
import type { AppContext } from '../context';
import { CreateApiKeyInput } from '../../schema/access/api-key.inputs';
import { ApiKeyType, CreatedApiKey } from '../../schema/access/api-key.type';
import { CustomerStatusSettingsInput, UpdateStoreInput } from '../../schema/organization/organization.inputs';
import { OrganizationType, StoreType } from '../../schema/organization/organization.type';
import { StaffMemberType } from '../../schema/staff/staff.type';
import { TagType } from '../../schema/customers/tag.type';

@Resolver()
export class AccountResolver {
  @Query(() => OrganizationType)
  organization(@Ctx() { em, viewer }: AppContext) {
    return em.findOneOrFail(Organization, { id: viewer!.organizationId });
  }

  @Query(() => [StoreType], { description: '门店 of the organization.' })
  stores(@Ctx() { em }: AppContext) {
    return em.find(Store, {}, { orderBy: { code: 'asc' } });
  }

  @Query(() => [StaffMemberType], { description: 'Active staff of the organization.' })
  staffMembers(@Ctx() { em }: AppContext) {
    return em.find(User, { active: true }, { orderBy: { displayName: 'asc', id: 'asc' } });
  }

  @Query(() => [TagType], { description: '标签 of the organization.' })
  tags(@Ctx() { em }: AppContext) {
    return em.find(Tag, {}, { orderBy: { name: 'asc' } });
  }

  @Query(() => [ApiKeyType], {
    description: 'API keys of integrations, newest first (secrets are never shown).',
  })
  apiKeys(@Ctx() context: AppContext) {
    return context.services.apiKeys.list();
  }

  @Mutation(() => CreatedApiKey, { description: 'Create an API key for an integration (role INTEGRATION).' })
  createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() context: AppContext) {
    return context.services.apiKeys.create(input);
  }

  @Mutation(() => OrganizationType, {
    description:
      'Set the days without a visit after which customers are DORMANT and LOST (status is derived on read).',
  })
  updateCustomerStatusSettings(@Arg('input') input: CustomerStatusSettingsInput, @Ctx() context: AppContext) {
    return context.services.organizationSettings.updateCustomerStatusThresholds(input);
  }

  @Mutation(() => StoreType, {
    description: 'Change a 门店: name, contact, time zone, whether stock may go below zero.',
  })
  updateStore(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateStoreInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.organizationSettings.updateStore(id, input);
  }

  @Mutation(() => ApiKeyType, { description: 'Revoke an API key; it stops working at once.' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.apiKeys.revoke(id);
  }
}
