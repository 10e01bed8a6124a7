/** Enumerations shared by the persistence layer and the GraphQL contract. */

export enum StaffRole {
  OWNER = 'OWNER',
  MANAGER = 'MANAGER',
  CONSULTANT = 'CONSULTANT',
  THERAPIST = 'THERAPIST',
  FRONT_DESK = 'FRONT_DESK',
  MARKETING = 'MARKETING',
  AUDITOR = 'AUDITOR',
}

/** Every role a caller can have: the staff roles plus INTEGRATION for API keys. */
export enum Role {
  OWNER = 'OWNER',
  MANAGER = 'MANAGER',
  CONSULTANT = 'CONSULTANT',
  THERAPIST = 'THERAPIST',
  FRONT_DESK = 'FRONT_DESK',
  MARKETING = 'MARKETING',
  AUDITOR = 'AUDITOR',
  INTEGRATION = 'INTEGRATION',
}

export const ALL_ROLES = Object.values(Role);

export enum Gender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  OTHER = 'OTHER',
  UNDISCLOSED = 'UNDISCLOSED',
}

export enum CustomerSource {
  REFERRAL = 'REFERRAL',
  ONLINE = 'ONLINE',
  COMMUNITY_EVENT = 'COMMUNITY_EVENT',
  WALK_IN = 'WALK_IN',
  OTHER = 'OTHER',
}

export enum CustomerStatus {
  ACTIVE = 'ACTIVE',
  DORMANT = 'DORMANT',
  LOST = 'LOST',
}

export enum AllergyCategory {
  FOOD = 'FOOD',
  DRUG = 'DRUG',
  ESSENTIAL_OIL = 'ESSENTIAL_OIL',
  COSMETIC = 'COSMETIC',
  ENVIRONMENT = 'ENVIRONMENT',
  OTHER = 'OTHER',
}

/** FHIR AllergyIntolerance.criticality */
export enum AllergyCriticality {
  LOW = 'LOW',
  HIGH = 'HIGH',
  UNABLE_TO_ASSESS = 'UNABLE_TO_ASSESS',
}

/** FHIR AllergyIntolerance.reaction.severity */
export enum ReactionSeverity {
  MILD = 'MILD',
  MODERATE = 'MODERATE',
  SEVERE = 'SEVERE',
}

/** FHIR AllergyIntolerance.verificationStatus */
export enum VerificationStatus {
  UNCONFIRMED = 'UNCONFIRMED',
  PRESUMED = 'PRESUMED',
  CONFIRMED = 'CONFIRMED',
  REFUTED = 'REFUTED',
  ENTERED_IN_ERROR = 'ENTERED_IN_ERROR',
}

/** FHIR clinicalStatus for allergies and conditions */
export enum ClinicalStatus {
  ACTIVE = 'ACTIVE',
  RECURRENCE = 'RECURRENCE',
  REMISSION = 'REMISSION',
  INACTIVE = 'INACTIVE',
  RESOLVED = 'RESOLVED',
}

export enum SpecialConditionKind {
  PREGNANCY = 'PREGNANCY',
  BREASTFEEDING = 'BREASTFEEDING',
  MENSTRUATION = 'MENSTRUATION',
  POST_SURGERY = 'POST_SURGERY',
  INJURY = 'INJURY',
  OTHER = 'OTHER',
}

/** 体质辨识: the nine constitution types of Traditional Chinese Medicine. */
export enum TcmConstitution {
  BALANCED = 'BALANCED',
  QI_DEFICIENCY = 'QI_DEFICIENCY',
  YANG_DEFICIENCY = 'YANG_DEFICIENCY',
  YIN_DEFICIENCY = 'YIN_DEFICIENCY',
  PHLEGM_DAMPNESS = 'PHLEGM_DAMPNESS',
  DAMP_HEAT = 'DAMP_HEAT',
  BLOOD_STASIS = 'BLOOD_STASIS',
  QI_STAGNATION = 'QI_STAGNATION',
  SPECIAL_DIATHESIS = 'SPECIAL_DIATHESIS',
}

export enum PressurePreference {
  LIGHT = 'LIGHT',
  MEDIUM = 'MEDIUM',
  FIRM = 'FIRM',
}

export enum SkinType {
  NORMAL = 'NORMAL',
  DRY = 'DRY',
  OILY = 'OILY',
  COMBINATION = 'COMBINATION',
  SENSITIVE = 'SENSITIVE',
}

export enum Level {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
}

export enum Frequency {
  NEVER = 'NEVER',
  OCCASIONALLY = 'OCCASIONALLY',
  REGULARLY = 'REGULARLY',
  DAILY = 'DAILY',
}

export enum AuditAction {
  READ = 'READ',
  CREATE = 'CREATE',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
  ARCHIVE = 'ARCHIVE',
  RESTORE = 'RESTORE',
  LOGIN = 'LOGIN',
  /** A refused password check (wrong password, unknown email, inactive account); never the password. */
  LOGIN_FAILED = 'LOGIN_FAILED',
}

/** How strongly a contraindication speaks against a service: 禁用 (avoid) or 慎用 (caution). */
export enum ContraindicationSeverity {
  AVOID = 'AVOID',
  CAUTION = 'CAUTION',
}

/** A day that differs from a staff member's weekly hours. */
export enum ScheduleExceptionKind {
  /** 请假 / 休息: not available (the whole day, or the given hours). */
  LEAVE = 'LEAVE',
  /** 加班: available in addition to the weekly hours. */
  EXTRA_SHIFT = 'EXTRA_SHIFT',
}

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

/** Why stock moved. */
export enum StockMovementReason {
  /** 入库 */
  RECEIPT = 'RECEIPT',
  /** Used in a visit (服务耗材). */
  VISIT_USE = 'VISIT_USE',
  /** 盘点 / correction. */
  ADJUSTMENT = 'ADJUSTMENT',
}

/** 服务效果: how the customer felt after the service. */
export enum VisitEffect {
  /** 症状缓解 */
  SYMPTOM_RELIEF = 'SYMPTOM_RELIEF',
  /** 舒适 */
  COMFORTABLE = 'COMFORTABLE',
  /** 无明显变化 */
  NO_NOTICEABLE_CHANGE = 'NO_NOTICEABLE_CHANGE',
  /** 不适 */
  DISCOMFORT = 'DISCOMFORT',
}

/** The kind of health fact a contraindication matched. */
export enum HealthFactKind {
  ALLERGY = 'ALLERGY',
  SPECIAL_CONDITION = 'SPECIAL_CONDITION',
  MEDICAL_CONDITION = 'MEDICAL_CONDITION',
}

/** What an account holds. */
export enum AccountKind {
  /** 储值: money, principal (本金) and bonus (赠送) kept apart, in 分. */
  STORED_VALUE = 'STORED_VALUE',
  /** 积分 */
  POINTS = 'POINTS',
  /** 计次卡 / 疗程卡: a number of uses of listed services. */
  PUNCH_CARD = 'PUNCH_CARD',
  /** 优惠券: one use, an amount off a checkout. */
  COUPON = 'COUPON',
}

export enum AccountStatus {
  ACTIVE = 'ACTIVE',
  /** 冻结: nothing can be taken from it until unfrozen (e.g. a course paused while travelling). */
  FROZEN = 'FROZEN',
}

/** Why a ledger entry was posted. */
export enum LedgerEntryKind {
  /** 充值 / 售卡: stored value credited. */
  TOP_UP = 'TOP_UP',
  /** 消费: stored value debited. */
  CHARGE = 'CHARGE',
  /** A punch card issued with its uses. */
  ISSUE = 'ISSUE',
  /** 核销 one use of a punch card. */
  PUNCH = 'PUNCH',
  /** 积分 earned. */
  EARN = 'EARN',
  /** 积分 redeemed. */
  REDEEM = 'REDEEM',
  /** Points that reached their expiry date. */
  EXPIRE = 'EXPIRE',
  /** 冲正 / 退款: undoes another entry, linked to it. */
  REVERSAL = 'REVERSAL',
  /** 退卡: the remaining principal paid back, the remaining bonus forfeited. */
  REFUND = 'REFUND',
}

/** What a sellable card gives. */
export enum CardProductKind {
  STORED_VALUE = 'STORED_VALUE',
  PUNCH_CARD = 'PUNCH_CARD',
  COUPON = 'COUPON',
}

/** Money taken outside the ledger, recorded by the POS. */
export enum PaymentMethod {
  CASH = 'CASH',
  WECHAT_PAY = 'WECHAT_PAY',
  ALIPAY = 'ALIPAY',
  BANK_CARD = 'BANK_CARD',
  OTHER = 'OTHER',
}

/** In which order stored value is spent. */
export enum SpendingOrder {
  /** 先本金后赠送 (default): bonus is spent last. */
  BONUS_LAST = 'BONUS_LAST',
  /** 先赠送后本金. */
  BONUS_FIRST = 'BONUS_FIRST',
  /** In proportion to the balances (按比例). */
  PROPORTIONAL = 'PROPORTIONAL',
}

/** How staff and customer were in touch (沟通方式). */
export enum ContactChannel {
  PHONE = 'PHONE',
  WECHAT = 'WECHAT',
  FACE_TO_FACE = 'FACE_TO_FACE',
  SMS = 'SMS',
  EMAIL = 'EMAIL',
  OTHER = 'OTHER',
}

/** Channels a customer can consent to marketing on, in the order tasks suggest them. */
export const MARKETING_CHANNELS = [
  ContactChannel.WECHAT,
  ContactChannel.SMS,
  ContactChannel.PHONE,
  ContactChannel.EMAIL,
] as const;

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
