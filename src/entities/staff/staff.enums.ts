/** staff: enumerations shared by the entities and the GraphQL contract. */

export enum StaffRole {
  OWNER = 'OWNER',
  MANAGER = 'MANAGER',
  CONSULTANT = 'CONSULTANT',
  THERAPIST = 'THERAPIST',
  FRONT_DESK = 'FRONT_DESK',
  MARKETING = 'MARKETING',
  AUDITOR = 'AUDITOR',
}

/** A day that differs from a staff member's weekly hours. */
export enum ScheduleExceptionKind {
  /** 请假 / 休息: not available (the whole day, or the given hours). */
  LEAVE = 'LEAVE',
  /** 加班: available in addition to the weekly hours. */
  EXTRA_SHIFT = 'EXTRA_SHIFT',
}
