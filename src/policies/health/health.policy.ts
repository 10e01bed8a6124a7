import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { HealthAccessSection, HealthSection } from '../../core/health-access';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { SAFETY, CLINICAL } = HealthSection;
// By role a field needs its section (SAFETY or CLINICAL); under an access grant, its part.
const safety = grant.healthPart(HealthAccessSection.SAFETY);
const history = grant.healthPart(HealthAccessSection.HISTORY);
const assessment = grant.healthPart(HealthAccessSection.ASSESSMENT);
const notes = grant.healthPart(HealthAccessSection.NOTES);
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
    medicalHistory: history,
    constitution: assessment,
    secondaryConstitutions: assessment,
    lifestyle: assessment,
    skinProfile: assessment,
    currentComplaints: assessment,
    wellnessGoals: assessment,
    notes,
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
  MedicalCondition: fields(['id', 'condition', 'since', 'status', 'note', 'recordedAt'], history),
};

/**
 * Nested value objects (no customer of their own): readable when their parent field was. THERAPIST
 * reaches them only through an ASSESSMENT grant on the parent field.
 */
export const healthValuePolicy: PolicyMap = {
  Lifestyle: fields(
    ['sleepHours', 'sleepQuality', 'diet', 'exercise', 'smoking', 'drinking', 'note'],
    grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST),
  ),
  SkinProfile: fields(
    ['type', 'oiliness', 'sensitivity', 'concerns'],
    grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST),
  ),
};
