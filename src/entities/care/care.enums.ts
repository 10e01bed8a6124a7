/** care: enumerations shared by the entities and the GraphQL contract. */

/** 完成状态 of a follow-up: a communication's follow-up items or a care task. */
export enum FollowUpStatus {
  OPEN = 'OPEN',
  DONE = 'DONE',
  CANCELLED = 'CANCELLED',
}

/** Why a care task exists. */
export enum CareTaskKind {
  /** 回访 24–48 h after a visit. */
  VISIT_FOLLOW_UP = 'VISIT_FOLLOW_UP',
  /** 生日关怀 */
  BIRTHDAY = 'BIRTHDAY',
  /** 节日问候 on a configured holiday. */
  HOLIDAY = 'HOLIDAY',
  /** 沉睡客户唤醒: no visit for the configured number of days. */
  DORMANT_WAKE_UP = 'DORMANT_WAKE_UP',
  /** A punch / course card with uses left expires soon. */
  PUNCH_CARD_EXPIRY = 'PUNCH_CARD_EXPIRY',
  /** Stored value fell below the configured threshold. */
  LOW_BALANCE = 'LOW_BALANCE',
  /** A complaint was not responded to within 24 h: the store manager acts. */
  COMPLAINT_RESPONSE_OVERDUE = 'COMPLAINT_RESPONSE_OVERDUE',
  /** A complaint was not resolved within 48 h: the store manager acts. */
  COMPLAINT_RESOLUTION_OVERDUE = 'COMPLAINT_RESOLUTION_OVERDUE',
  /** 投诉回访: ask the customer after a complaint was resolved whether they are satisfied. */
  COMPLAINT_FOLLOW_UP = 'COMPLAINT_FOLLOW_UP',
  /** 紧急查阅复核: a break-glass read of a customer's health data, for the store manager to review. */
  BREAK_GLASS_REVIEW = 'BREAK_GLASS_REVIEW',
}

/** SERVICE tasks always happen; MARKETING tasks need consent and respect the frequency cap. */
export enum CarePurpose {
  SERVICE = 'SERVICE',
  MARKETING = 'MARKETING',
}

/** Where a complaint stands against its service levels. */
export enum ComplaintStatus {
  /** Received, nobody has answered the customer yet (respond within 24 h). */
  OPEN = 'OPEN',
  /** The customer has been answered; a solution is pending (resolve within 48 h). */
  RESPONDED = 'RESPONDED',
  RESOLVED = 'RESOLVED',
}

/** Which complaint deadline was missed (a filter, not stored): respond within 24 h, resolve within 48 h. */
export enum ComplaintBreach {
  RESPONSE = 'RESPONSE',
  RESOLUTION = 'RESOLUTION',
  ANY = 'ANY',
}
