/** health: enumerations shared by the entities and the GraphQL contract. */

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

/** The kind of health fact a contraindication matched. */
export enum HealthFactKind {
  ALLERGY = 'ALLERGY',
  SPECIAL_CONDITION = 'SPECIAL_CONDITION',
  MEDICAL_CONDITION = 'MEDICAL_CONDITION',
}
