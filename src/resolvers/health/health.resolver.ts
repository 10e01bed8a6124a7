import { Arg, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import {
  AllergyInput,
  HealthProfileInput,
  MedicalConditionInput,
  SpecialConditionInput,
} from '../../schema/health/health-profile.inputs';
import {
  AllergyType,
  HealthProfileType,
  MedicalConditionType,
  SpecialConditionType,
} from '../../schema/health/health-profile.type';

/** Mutations of the health profile; who may write a section is who may read it. */
@Resolver()
export class HealthResolver {
  @Mutation(() => HealthProfileType, {
    description: 'Update constitution, lifestyle, skin, complaints, goals and notes.',
  })
  updateHealthProfile(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('input') input: HealthProfileInput,
    @Ctx() context: AppContext,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion?: number,
  ) {
    return context.services.health.updateProfile(customerId, expectedVersion, input);
  }

  @Mutation(() => AllergyType, { description: '记录过敏: substance and category are required.' })
  addAllergy(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('input') input: AllergyInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.health.addRecord('Allergy', customerId, input);
  }

  @Mutation(() => AllergyType)
  updateAllergy(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: AllergyInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.health.updateRecord('Allergy', id, input);
  }

  @Mutation(() => ID, {
    description: 'Delete an allergy entered in error; prefer verificationStatus REFUTED.',
  })
  removeAllergy(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.health.removeRecord('Allergy', id);
  }

  @Mutation(() => MedicalConditionType, { description: '记录既往病史: condition is required.' })
  addMedicalCondition(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('input') input: MedicalConditionInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.health.addRecord('MedicalCondition', customerId, input);
  }

  @Mutation(() => MedicalConditionType)
  updateMedicalCondition(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: MedicalConditionInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.health.updateRecord('MedicalCondition', id, input);
  }

  @Mutation(() => ID)
  removeMedicalCondition(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.health.removeRecord('MedicalCondition', id);
  }

  @Mutation(() => SpecialConditionType, { description: '记录特殊健康状况: kind and startsOn are required.' })
  addSpecialCondition(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('input') input: SpecialConditionInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.health.addRecord('SpecialCondition', customerId, input);
  }

  @Mutation(() => SpecialConditionType)
  updateSpecialCondition(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: SpecialConditionInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.health.updateRecord('SpecialCondition', id, input);
  }

  @Mutation(() => ID)
  removeSpecialCondition(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.health.removeRecord('SpecialCondition', id);
  }
}
