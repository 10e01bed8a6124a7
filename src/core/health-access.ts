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
