import type {
  Allergy,
  ContraindicationTag,
  MedicalCondition,
  ServiceItem,
  SpecialCondition,
} from '../../entities';
import { ClinicalStatus, HealthFactKind, VerificationStatus } from '../../entities/health/health.enums';
import { ContraindicationSeverity } from '../../entities/catalogue/catalogue.enums';

export interface HealthFacts {
  allergies: Allergy[];
  specialConditions: SpecialCondition[];
  medicalConditions: MedicalCondition[];
}

export interface ContraindicationFinding {
  service: ServiceItem;
  tag: ContraindicationTag;
  factKind: HealthFactKind;
  /** What matched, e.g. the allergy substance or the special condition. */
  fact: string;
}

export interface ContraindicationResult {
  healthReviewRequired: boolean;
  blocking: boolean;
  findings: ContraindicationFinding[];
}

const INACTIVE = new Set<ClinicalStatus>([ClinicalStatus.INACTIVE, ClinicalStatus.RESOLVED]);
const NOT_TRUE = new Set<VerificationStatus>([
  VerificationStatus.REFUTED,
  VerificationStatus.ENTERED_IN_ERROR,
]);

const mentions = (text: string, keywords: string[]) =>
  keywords.some((keyword) => keyword.trim() && text.toLowerCase().includes(keyword.trim().toLowerCase()));

/**
 * 禁忌检查: which tags of the services match the customer's current health facts on `onDate` (the
 * local date of the service). Allergies count unless inactive or refuted, conditions unless resolved,
 * special conditions while their date range covers the day.
 */
export function matchContraindications(
  services: ServiceItem[],
  facts: HealthFacts,
  onDate: string,
): ContraindicationResult {
  const allergies = facts.allergies.filter(
    (allergy) => !INACTIVE.has(allergy.clinicalStatus) && !NOT_TRUE.has(allergy.verificationStatus),
  );
  const special = facts.specialConditions.filter(
    (condition) => condition.startsOn <= onDate && (!condition.endsOn || condition.endsOn >= onDate),
  );
  const conditions = facts.medicalConditions.filter((condition) => !INACTIVE.has(condition.status));
  const findings: ContraindicationFinding[] = [];
  for (const service of services) {
    for (const tag of service.contraindications.getItems()) {
      const found = (factKind: HealthFactKind, fact: string) =>
        findings.push({ service, tag, factKind, fact });
      for (const allergy of allergies) {
        if (tag.allergyCategories.includes(allergy.category) || mentions(allergy.substance, tag.keywords))
          found(HealthFactKind.ALLERGY, allergy.substance);
      }
      for (const condition of special) {
        if (
          tag.specialConditionKinds.includes(condition.kind) ||
          mentions(condition.description ?? '', tag.keywords)
        )
          found(HealthFactKind.SPECIAL_CONDITION, condition.description ?? condition.kind);
      }
      for (const condition of conditions) {
        if (mentions(condition.condition, tag.keywords))
          found(HealthFactKind.MEDICAL_CONDITION, condition.condition);
      }
    }
  }
  return {
    healthReviewRequired: findings.length > 0,
    blocking: findings.some((finding) => finding.tag.severity === ContraindicationSeverity.AVOID),
    findings,
  };
}
