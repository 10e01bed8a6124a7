/** customers: enumerations shared by the entities and the GraphQL contract. */

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

export enum PressurePreference {
  LIGHT = 'LIGHT',
  MEDIUM = 'MEDIUM',
  FIRM = 'FIRM',
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

/** How a customer list is sorted (an argument, not stored). */
export enum CustomerOrderField {
  CREATED_AT = 'CREATED_AT',
  NAME = 'NAME',
  CODE = 'CODE',
}

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
