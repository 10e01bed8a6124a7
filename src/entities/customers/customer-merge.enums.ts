/** Duplicates and merge (issue 16): enumerations shared by the services and the GraphQL contract. */

/**
 * Why two customers look like one person. Phone and one integration's externalId are unique per
 * organization, so two stored customers never share either: the import's dry run reports an incoming
 * row that matches one. Two integrations may give one externalId to two customers: SAME_EXTERNAL_ID.
 */
export enum DuplicateReason {
  /** Same name and same birthday. */
  SAME_NAME_AND_BIRTHDAY = 'SAME_NAME_AND_BIRTHDAY',
  /** Same pinyin (张三 and 章三 are both zhangsan) and the same last four phone digits (尾号). */
  SAME_PINYIN_AND_PHONE_LAST4 = 'SAME_PINYIN_AND_PHONE_LAST4',
  /** Same email address, letter case ignored. */
  SAME_EMAIL = 'SAME_EMAIL',
  /** The same external id from two integrations (or one and the organization's own number). */
  SAME_EXTERNAL_ID = 'SAME_EXTERNAL_ID',
}

/** A value of the customer or the health profile that mergeCustomers can take from the merged one. */
export enum MergeField {
  NAME = 'NAME',
  GENDER = 'GENDER',
  BIRTHDAY = 'BIRTHDAY',
  PHONE = 'PHONE',
  EMAIL = 'EMAIL',
  ADDRESS = 'ADDRESS',
  OCCUPATION = 'OCCUPATION',
  SOURCE = 'SOURCE',
  SOURCE_NOTE = 'SOURCE_NOTE',
  NOTES = 'NOTES',
  PHOTO_URL = 'PHOTO_URL',
  EXTERNAL_ID = 'EXTERNAL_ID',
  HOME_STORE = 'HOME_STORE',
  ASSIGNED_CONSULTANT = 'ASSIGNED_CONSULTANT',
  ASSIGNED_THERAPIST = 'ASSIGNED_THERAPIST',
  REFERRER = 'REFERRER',
  PREFERRED_CHANNEL = 'PREFERRED_CHANNEL',
  STATUS_OVERRIDE = 'STATUS_OVERRIDE',
  /** 体质辨识 of the health profile. */
  CONSTITUTION = 'CONSTITUTION',
  /** Free-text notes of the health profile. */
  HEALTH_NOTES = 'HEALTH_NOTES',
}

/** Whose value a merge kept where both customers had one. */
export enum MergeSide {
  SURVIVOR = 'SURVIVOR',
  MERGED = 'MERGED',
}
