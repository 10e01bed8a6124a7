import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../entities';
import { StaffRole } from '../../entities/staff/staff.enums';
import { BadInputError } from '../../core/errors';

/** Staff who contact customers and may own follow-ups, tasks and complaints (never therapists, who see no communications). */
export const CONTACT_ROLES = [StaffRole.OWNER, StaffRole.MANAGER, StaffRole.CONSULTANT, StaffRole.FRONT_DESK];

/**
 * An active staff member of the caller's organization (the organization filter applies) with one of
 * `roles`, as a reference for a relation; BAD_USER_INPUT naming `field` otherwise.
 */
export async function activeStaff(em: EntityManager, field: string, userId: string, roles: StaffRole[]) {
  const user = await em.findOne(User, { id: userId, active: true });
  if (!user)
    throw new BadInputError(field, 'exists', `${field} must be an active staff member of your organization.`);
  if (!roles.includes(user.role))
    throw new BadInputError(
      field,
      'role',
      `${field} must be a staff member with role ${roles.join(' or ')}.`,
    );
  return em.getReference(User, user.id, { wrapped: true });
}
