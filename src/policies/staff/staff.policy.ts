import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK } = Role;

/** Who works when: the staff who book, serve and plan. Not marketing, the auditor or a POS. */
const scheduleReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK);
/** 排班 and staff profiles are managed by the owner and store managers. */
const managers = grant.writers(OWNER, MANAGER);

export const staffPolicy: PolicyMap = {
  Query: { staffProfiles: scheduleReaders, staffProfile: scheduleReaders },
  Mutation: fieldsOf(
    ['upsertStaffProfile', 'setWorkingHours', 'addScheduleException', 'removeScheduleException'],
    managers,
  ),
  StaffProfile: fieldsOf(
    ['id', 'store', 'staffMember', 'title', 'bookable', 'active', 'services', 'workingHours', 'exceptions'],
    scheduleReaders,
  ),
  WorkingHours: fieldsOf(['weekday', 'startsAt', 'endsAt'], scheduleReaders),
  ScheduleException: fieldsOf(['id', 'date', 'kind', 'startsAt', 'endsAt', 'note'], scheduleReaders),
  ScheduleExceptionPayload: fieldsOf(['exception', 'affectedAppointments'], grant.roles(OWNER, MANAGER)),
};
