/** booking: enumerations shared by the entities and the GraphQL contract. */

/** 预约 lifecycle. */
export enum AppointmentStatus {
  BOOKED = 'BOOKED',
  CONFIRMED = 'CONFIRMED',
  /** 已到店: checked in at the front desk. */
  ARRIVED = 'ARRIVED',
  /** A visit was recorded from it. */
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  /** 爽约 */
  NO_SHOW = 'NO_SHOW',
}

export enum BookingChannel {
  FRONT_DESK = 'FRONT_DESK',
  PHONE = 'PHONE',
  WECHAT = 'WECHAT',
  POS = 'POS',
  ONLINE = 'ONLINE',
}
