/** Enumerations shared by the persistence layer and the GraphQL contract. */

export enum StaffRole {
  OWNER = 'OWNER',
  MANAGER = 'MANAGER',
  CONSULTANT = 'CONSULTANT',
  THERAPIST = 'THERAPIST',
  FRONT_DESK = 'FRONT_DESK',
  MARKETING = 'MARKETING',
  AUDITOR = 'AUDITOR',
}

/** Every role a caller can have: the staff roles plus INTEGRATION for API keys. */
export enum Role {
  OWNER = 'OWNER',
  MANAGER = 'MANAGER',
  CONSULTANT = 'CONSULTANT',
  THERAPIST = 'THERAPIST',
  FRONT_DESK = 'FRONT_DESK',
  MARKETING = 'MARKETING',
  AUDITOR = 'AUDITOR',
  INTEGRATION = 'INTEGRATION',
}

export const ALL_ROLES = Object.values(Role);

export enum Gender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  OTHER = 'OTHER',
  UNDISCLOSED = 'UNDISCLOSED',
}

export enum CustomerSource {
  REFERRAL = 'REFERRAL',
  ONLINE = 'ONLINE',
  COMMUNITY_EVENT = 'COMMUNITY_EVENT',
  WALK_IN = 'WALK_IN',
  OTHER = 'OTHER',
}

export enum CustomerStatus {
  ACTIVE = 'ACTIVE',
  DORMANT = 'DORMANT',
  LOST = 'LOST',
}

export enum AllergyCategory {
  FOOD = 'FOOD',
  DRUG = 'DRUG',
  ESSENTIAL_OIL = 'ESSENTIAL_OIL',
  COSMETIC = 'COSMETIC',
  ENVIRONMENT = 'ENVIRONMENT',
  OTHER = 'OTHER',
}

/** FHIR AllergyIntolerance.criticality */
export enum AllergyCriticality {
  LOW = 'LOW',
  HIGH = 'HIGH',
  UNABLE_TO_ASSESS = 'UNABLE_TO_ASSESS',
}

/** FHIR AllergyIntolerance.reaction.severity */
export enum ReactionSeverity {
  MILD = 'MILD',
  MODERATE = 'MODERATE',
  SEVERE = 'SEVERE',
}

/** FHIR AllergyIntolerance.verificationStatus */
export enum VerificationStatus {
  UNCONFIRMED = 'UNCONFIRMED',
  PRESUMED = 'PRESUMED',
  CONFIRMED = 'CONFIRMED',
  REFUTED = 'REFUTED',
  ENTERED_IN_ERROR = 'ENTERED_IN_ERROR',
}

/** FHIR clinicalStatus for allergies and conditions */
export enum ClinicalStatus {
  ACTIVE = 'ACTIVE',
  RECURRENCE = 'RECURRENCE',
  REMISSION = 'REMISSION',
  INACTIVE = 'INACTIVE',
  RESOLVED = 'RESOLVED',
}

export enum SpecialConditionKind {
  PREGNANCY = 'PREGNANCY',
  BREASTFEEDING = 'BREASTFEEDING',
  MENSTRUATION = 'MENSTRUATION',
  POST_SURGERY = 'POST_SURGERY',
  INJURY = 'INJURY',
  OTHER = 'OTHER',
}

/** 体质辨识: the nine constitution types of Traditional Chinese Medicine. */
export enum TcmConstitution {
  BALANCED = 'BALANCED',
  QI_DEFICIENCY = 'QI_DEFICIENCY',
  YANG_DEFICIENCY = 'YANG_DEFICIENCY',
  YIN_DEFICIENCY = 'YIN_DEFICIENCY',
  PHLEGM_DAMPNESS = 'PHLEGM_DAMPNESS',
  DAMP_HEAT = 'DAMP_HEAT',
  BLOOD_STASIS = 'BLOOD_STASIS',
  QI_STAGNATION = 'QI_STAGNATION',
  SPECIAL_DIATHESIS = 'SPECIAL_DIATHESIS',
}

export enum PressurePreference {
  LIGHT = 'LIGHT',
  MEDIUM = 'MEDIUM',
  FIRM = 'FIRM',
}

export enum SkinType {
  NORMAL = 'NORMAL',
  DRY = 'DRY',
  OILY = 'OILY',
  COMBINATION = 'COMBINATION',
  SENSITIVE = 'SENSITIVE',
}

export enum Level {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
}

export enum Frequency {
  NEVER = 'NEVER',
  OCCASIONALLY = 'OCCASIONALLY',
  REGULARLY = 'REGULARLY',
  DAILY = 'DAILY',
}

export enum AuditAction {
  READ = 'READ',
  CREATE = 'CREATE',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
  ARCHIVE = 'ARCHIVE',
  RESTORE = 'RESTORE',
  LOGIN = 'LOGIN',
}
