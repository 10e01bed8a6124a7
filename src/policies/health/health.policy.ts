import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { HealthSection } from '../../core/health-access';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { SAFETY, CLINICAL } = HealthSection;
const safety = grant.health(SAFETY);
const clinical = grant.health(CLINICAL);
const { OWNER, MANAGER, CONSULTANT, THERAPIST } = Role;

const fields = (names: string[], fieldGrant = safety) => fieldsOf(names, fieldGrant);

/**
 * Every field below the health profile is checked against the customer it belongs to, not only the
 * entry point, so no future path to these types can bypass the rule.
 */
export const healthPolicy: PolicyMap = {
  Mutation: {
    updateHealthProfile: grant.roles(OWNER, MANAGER, CONSULTANT),
    addAllergy: grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST),
    updateAllergy: grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST),
    removeAllergy: grant.roles(OWNER, MANAGER, CONSULTANT),
    addSpecialCondition: grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST),
    updateSpecialCondition: grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST),
    removeSpecialCondition: grant.roles(OWNER, MANAGER, CONSULTANT),
    addMedicalCondition: grant.roles(OWNER, MANAGER, CONSULTANT),
    updateMedicalCondition: grant.roles(OWNER, MANAGER, CONSULTANT),
    removeMedicalCondition: grant.roles(OWNER, MANAGER, CONSULTANT),
  },
  HealthProfile: {
    id: grant.health(SAFETY, CLINICAL),
    version: grant.health(SAFETY, CLINICAL),
    updatedAt: grant.health(SAFETY, CLINICAL),
    allergies: safety,
    specialConditions: safety,
    medicalHistory: clinical,
    constitution: clinical,
    secondaryConstitutions: clinical,
    lifestyle: clinical,
    skinProfile: clinical,
    currentComplaints: clinical,
    wellnessGoals: clinical,
    notes: clinical,
  },
  Allergy: fields([
    'id',
    'substance',
    'category',
    'criticality',
    'clinicalStatus',
    'verificationStatus',
    'reaction',
    'severity',
    'onsetDate',
    'note',
    'recordedAt',
  ]),
  SpecialCondition: fields(['id', 'kind', 'description', 'startsOn', 'endsOn', 'note', 'recordedAt']),
  MedicalCondition: fields(['id', 'condition', 'since', 'status', 'note', 'recordedAt'], clinical),
};

/** Nested value objects (no customer of their own): readable when their parent field was. */
export const healthValuePolicy: PolicyMap = {
  Lifestyle: fields(
    ['sleepHours', 'sleepQuality', 'diet', 'exercise', 'smoking', 'drinking', 'note'],
    grant.roles(OWNER, MANAGER, CONSULTANT),
  ),
  SkinProfile: fields(
    ['type', 'oiliness', 'sensitivity', 'concerns'],
    grant.roles(OWNER, MANAGER, CONSULTANT),
  ),
};
