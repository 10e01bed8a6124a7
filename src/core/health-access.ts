import { Role } from '../entities/access/access.enums';
import type { Viewer } from './viewer';

/**
 * Health data comes in two sections. SAFETY is what anyone touching the customer must know to avoid
 * harm (allergies, special conditions such as pregnancy). CLINICAL is everything else: medical
 * history, constitution, lifestyle, skin, complaints, goals, notes.
 */
export enum HealthSection {
  SAFETY = 'SAFETY',
  CLINICAL = 'CLINICAL',
}

/** ALWAYS: every customer of the organization; ASSIGNED: customers assigned to the viewer as
 *  consultant; SERVING: customers the viewer serves as therapist (assigned 专属技师, or an
 *  appointment or visit with them today in the store's time zone); NEVER: no customer. */
export type HealthCondition = 'ALWAYS' | 'ASSIGNED' | 'SERVING' | 'NEVER';

export const HEALTH_ACCESS: Record<Role, Record<HealthSection, HealthCondition>> = {
  OWNER: { SAFETY: 'ALWAYS', CLINICAL: 'ALWAYS' },
  MANAGER: { SAFETY: 'ALWAYS', CLINICAL: 'ALWAYS' },
  CONSULTANT: { SAFETY: 'ASSIGNED', CLINICAL: 'ASSIGNED' },
  THERAPIST: { SAFETY: 'SERVING', CLINICAL: 'NEVER' },
  FRONT_DESK: { SAFETY: 'NEVER', CLINICAL: 'NEVER' },
  MARKETING: { SAFETY: 'NEVER', CLINICAL: 'NEVER' },
  INTEGRATION: { SAFETY: 'NEVER', CLINICAL: 'NEVER' },
  AUDITOR: { SAFETY: 'NEVER', CLINICAL: 'NEVER' },
};

export interface CustomerRelation {
  consultantId?: string;
  therapistId?: string;
  /** An appointment or visit with the viewer today (store time zone); see services/read/serving.ts. */
  servedToday?: boolean;
  /** The customer withdrew consent to process health data: only OWNER still reads it. */
  healthConsentWithdrawn?: boolean;
}

/** The one decision every health rule and health service asks. */
export function mayAccessHealth(
  viewer: Viewer | null,
  section: HealthSection,
  customer: CustomerRelation | null,
): boolean {
  if (!viewer || !customer) return false;
  // PIPL art. 15: after a withdrawal the data is kept (legal retention) but no longer used.
  if (customer.healthConsentWithdrawn) return viewer.role === Role.OWNER;
  switch (HEALTH_ACCESS[viewer.role][section]) {
    case 'ALWAYS':
      return true;
    case 'ASSIGNED':
      return viewer.userId !== undefined && customer.consultantId === viewer.userId;
    case 'SERVING':
      // 专属技师, or the therapist of an appointment or visit with the customer today.
      return (
        viewer.userId !== undefined &&
        (customer.therapistId === viewer.userId || customer.servedToday === true)
      );
    case 'NEVER':
      return false;
  }
}

/**
 * The parts of a health record an access approval (档案查阅审批) names: finer than HealthSection, so
 * an approver grants no more than the work needs. SAFETY is the SAFETY section; the other three split
 * CLINICAL.
 */
export enum HealthAccessSection {
  /** Allergies and special conditions (孕期, post-surgery …). */
  SAFETY = 'SAFETY',
  /** Medical history 既往病史. */
  HISTORY = 'HISTORY',
  /** Constitution 体质辨识, lifestyle, skin profile, current complaints, wellness goals. */
  ASSESSMENT = 'ASSESSMENT',
  /** Free-text health notes, the profile's and a visit's 身体状况备注. */
  NOTES = 'NOTES',
}

export const ACCESS_SECTIONS_OF: Record<HealthSection, readonly HealthAccessSection[]> = {
  SAFETY: [HealthAccessSection.SAFETY],
  CLINICAL: [HealthAccessSection.HISTORY, HealthAccessSection.ASSESSMENT, HealthAccessSection.NOTES],
};

/**
 * Who may ask for access beyond their role, and for what (PRODUCT.md "Users and roles"): a consultant
 * for any part of a customer not assigned to them, a therapist for all but the medical history of
 * others. FRONT_DESK, MARKETING, INTEGRATION and AUDITOR never see health details, not even approved;
 * OWNER and MANAGER read everything already.
 */
export const REQUESTABLE_SECTIONS: Partial<Record<Role, readonly HealthAccessSection[]>> = {
  CONSULTANT: Object.values(HealthAccessSection),
  THERAPIST: [HealthAccessSection.SAFETY, HealthAccessSection.ASSESSMENT, HealthAccessSection.NOTES],
};

/** Break-glass (紧急查阅): therapists and consultants, the SAFETY part only, for a fixed short time. */
export const BREAK_GLASS_ROLES: readonly Role[] = [Role.THERAPIST, Role.CONSULTANT];
export const BREAK_GLASS_MINUTES = 30;
/** The longest approval: one working day. */
export const MAX_GRANT_MINUTES = 8 * 60;

export type HealthGrantKind = 'APPROVAL' | 'BREAK_GLASS';

/** A grant in force for the viewer: approved (or broken glass), not revoked, not yet expired. */
export interface ActiveHealthGrant {
  id: string;
  customerId: string;
  kind: HealthGrantKind;
  sections: readonly HealthAccessSection[];
  expiresAt: Date;
}

/** Roles whose health reads may rest on a grant; for the others no grant is ever looked up. */
export function mayHoldHealthGrants(role: Role): boolean {
  return REQUESTABLE_SECTIONS[role] !== undefined || BREAK_GLASS_ROLES.includes(role);
}

/**
 * The parts a grant may still open for a holder of `role`: what the role may be granted NOW, not when
 * the grant was decided. A consultant's HISTORY grant opens nothing once they are a therapist, and a
 * role that may be granted nothing (FRONT_DESK …) reads nothing on any grant it still holds.
 */
export function grantableSections(role: Role, kind: HealthGrantKind): readonly HealthAccessSection[] {
  if (kind === 'BREAK_GLASS') return BREAK_GLASS_ROLES.includes(role) ? [HealthAccessSection.SAFETY] : [];
  return REQUESTABLE_SECTIONS[role] ?? [];
}

/**
 * The grant among `grants` that lets its holder, whose role is `role`, read one of `sections` of
 * `customer` now, if any. Consent withdrawal binds grants too (only OWNER reads then, by role).
 */
export function grantCovering(
  grants: readonly ActiveHealthGrant[],
  sections: readonly HealthAccessSection[],
  customer: CustomerRelation & { customerId: string },
  now: Date,
  role: Role,
): ActiveHealthGrant | undefined {
  if (customer.healthConsentWithdrawn) return undefined;
  return grants.find((held) => {
    if (held.customerId !== customer.customerId || held.expiresAt <= now) return false;
    const grantable = grantableSections(role, held.kind);
    return held.sections.some((section) => sections.includes(section) && grantable.includes(section));
  });
}
