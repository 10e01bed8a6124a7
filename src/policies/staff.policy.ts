import { Role } from '../entities/enums';
import { grant, type Grant } from './grant';
import type { PolicyMap } from './policy-map';

const { OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK } = Role;

/** Who works when: the staff who book, serve and plan. Not marketing, the auditor or a POS. */
const scheduleReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK);
/** 排班 and staff profiles are managed by the owner and store managers. */
const managers = grant.writers(OWNER, MANAGER);

const fields = (names: string[], fieldGrant: Grant) =>
  Object.fromEntries(names.map((name) => [name, fieldGrant]));

export const staffPolicy: PolicyMap = {
  Query: { staffProfiles: scheduleReaders, staffProfile: scheduleReaders },
  Mutation: fields(
    ['upsertStaffProfile', 'setWorkingHours', 'addScheduleException', 'removeScheduleException'],
    managers,
  ),
  StaffProfile: fields(
    ['id', 'store', 'staffMember', 'title', 'bookable', 'active', 'services', 'workingHours', 'exceptions'],
    scheduleReaders,
  ),
  WorkingHours: fields(['weekday', 'startsAt', 'endsAt'], scheduleReaders),
  ScheduleException: fields(['id', 'date', 'kind', 'startsAt', 'endsAt', 'note'], scheduleReaders),
  ScheduleExceptionPayload: fields(['exception', 'affectedAppointments'], grant.roles(OWNER, MANAGER)),
};
