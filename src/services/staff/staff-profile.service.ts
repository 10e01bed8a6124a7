import type { EntityManager } from '@mikro-orm/postgresql';
import { ServiceItem, StaffProfile, Store, User } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type { StaffProfileInput } from '../../schema/staff/staff-schedule.inputs';
import { NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { changedFields } from '../changes';
import { withUniqueConflicts, type UniqueRule } from '../constraint-errors';
import { inTransaction } from '../transaction';

const UNIQUE_PROFILE: UniqueRule = {
  constraint: 'staff_profile_store_id_user_id_unique',
  field: 'staffMemberId',
  reason: 'DUPLICATE',
  message: 'The profile was created meanwhile by someone else: retry to update it.',
};

/** Staff profiles per store: who works where, with which title and skills, bookable or not. */
export class StaffProfileService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async get(id: string): Promise<StaffProfile> {
    const profile = await this.em.findOne(StaffProfile, { id });
    if (!profile) throw new NotFoundError('StaffProfile', id);
    return profile;
  }

  async list(storeId: string, includeInactive: boolean): Promise<StaffProfile[]> {
    if (!(await this.em.findOne(Store, { id: storeId }))) throw new NotFoundError('Store', storeId);
    return this.em.find(
      StaffProfile,
      { store: storeId, ...(includeInactive ? {} : { active: true }) },
      { orderBy: [{ user: { displayName: 'asc' } }, { id: 'asc' }] },
    );
  }

  /** Creates the profile of a staff member in a store, or updates it; omitted fields stay. */
  upsert(input: StaffProfileInput): Promise<StaffProfile> {
    return withUniqueConflicts([UNIQUE_PROFILE], () =>
      inTransaction(this.em, async (em) => {
        const store = await em.findOne(Store, { id: input.storeId });
        if (!store) throw new NotFoundError('Store', input.storeId);
        const user = await em.findOne(User, { id: input.staffMemberId });
        if (!user) throw new NotFoundError('StaffMember', input.staffMemberId);
        const existing = await em.findOne(StaffProfile, { store, user }, { populate: ['services'] });
        const profile =
          existing ?? em.create(StaffProfile, { organization: this.viewer.organizationId, store, user });
        const fields = changedFields(profile, {
          title: input.title === null ? null : input.title?.trim(),
          bookable: input.bookable ?? undefined,
          active: input.active ?? undefined,
        });
        if (input.serviceIds) {
          const ids = [...new Set(input.serviceIds)];
          const services = await em.find(ServiceItem, { id: { $in: ids } });
          const unknown = ids.find((id) => !services.some((service) => service.id === id));
          if (unknown) throw new NotFoundError('ServiceItem', unknown);
          const before = existing ? profile.services.getIdentifiers<string>().sort() : [];
          profile.services.set(services);
          if (JSON.stringify(before) !== JSON.stringify(ids.sort())) fields.push('services');
        }
        const action = existing ? AuditAction.UPDATE : AuditAction.CREATE;
        if (!existing || fields.length > 0)
          this.audit.recordChange(em, action, 'StaffProfile', profile.id, undefined, fields);
        return profile;
      }),
    );
  }
}
