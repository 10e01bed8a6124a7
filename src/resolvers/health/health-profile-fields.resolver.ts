import type { RowOf } from '../../services/rows';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { HealthProfile } from '../../entities';
import type { AppContext } from '../context';
import {
  AllergyType,
  HealthProfileType,
  MedicalConditionType,
  SkinProfile,
  SpecialConditionType,
} from '../../schema/health/health-profile.type';

/** The dated records of a health profile, batched per request by customer id. */
@Resolver(() => HealthProfileType)
export class HealthProfileFieldsResolver {
  @FieldResolver(() => [AllergyType], { nullable: true })
  allergies(@Root() profile: RowOf<HealthProfile>, @Ctx() { loaders }: AppContext) {
    return loaders.allergies.get(profile.customer.id);
  }

  @FieldResolver(() => [MedicalConditionType], { nullable: true })
  medicalHistory(@Root() profile: RowOf<HealthProfile>, @Ctx() { loaders }: AppContext) {
    return loaders.medicalConditions.get(profile.customer.id);
  }

  @FieldResolver(() => [SpecialConditionType], { nullable: true })
  specialConditions(@Root() profile: RowOf<HealthProfile>, @Ctx() { loaders }: AppContext) {
    return loaders.specialConditions.get(profile.customer.id);
  }

  @FieldResolver(() => SkinProfile, { nullable: true })
  skinProfile(@Root() profile: RowOf<HealthProfile>): SkinProfile {
    return { ...profile.skinProfile, concerns: profile.skinProfile?.concerns ?? [] };
  }
}
