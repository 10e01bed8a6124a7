import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { ContraindicationTagInput } from '../../schema/catalogue/catalogue.inputs';
import { ContraindicationTagType } from '../../schema/catalogue/catalogue.type';

@Resolver(() => ContraindicationTagType)
export class ContraindicationTagResolver {
  @Query(() => [ContraindicationTagType], { description: '禁忌标签 of the organization, by name.' })
  contraindicationTags(@Ctx() context: AppContext) {
    return context.services.contraindicationTags.list();
  }

  @Mutation(() => ContraindicationTagType, {
    description: 'Create a 禁忌标签 (name and severity required); CONFLICT reason DUPLICATE_NAME if taken.',
  })
  createContraindicationTag(@Arg('input') input: ContraindicationTagInput, @Ctx() context: AppContext) {
    return context.services.contraindicationTags.create(input);
  }

  @Mutation(() => ContraindicationTagType, {
    description: 'Change a tag; every service carrying it checks bookings against the new wording.',
  })
  updateContraindicationTag(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: ContraindicationTagInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.contraindicationTags.update(id, input);
  }

  @Mutation(() => ID, {
    description: 'Delete a tag no service uses; CONFLICT reason IN_USE names the services that do.',
  })
  deleteContraindicationTag(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.contraindicationTags.delete(id);
  }
}
