/**
 * The machine-readable refinements of an error code: CONFLICT's `extensions.reason` and
 * BAD_USER_INPUT's `extensions.rule` (and its one `reason`). They are part of the API contract (POS
 * vendors branch on them), so each is a closed union: a string outside it does not compile, and
 * docs/errors.md is rendered from these lists (`npm run docs`; test/architecture/error-reasons.test.ts
 * fails when it is stale or when a source passes a reason or rule these lists lack). Each member maps to
 * the one English line of docs/errors.md saying when it is answered; keep the strings as they are.
 */

/** CONFLICT `extensions.reason`: the request is valid but the state of the data refuses it. */
export const CONFLICT_REASONS = {
  ACCESS_EXPIRED:
    'approveHealthAccess on a request left pending for more than 24 hours (ask again), or revokeHealthAccess on a grant that has ended already.',
  ACCESS_REQUESTED:
    'requestHealthAccess while the requester has a pending request or a grant in force on the customer.',
  ALREADY_DECIDED:
    'approveHealthAccess, refuseHealthAccess, withdrawHealthAccessRequest or revokeHealthAccess on a request whose state does not allow it (decided already, or not a grant).',
  ALREADY_REVERSED: 'reverseLedgerEntry on an entry that was reversed already (nothing is posted twice).',
  ALREADY_SETTLED: 'settleVisit on a visit that is settled already.',
  ARCHIVED:
    'sellCard, chargeStoredValue, earnPoints or redeemPoints for an archived customer, or mergeCustomers into an archived survivor: restore them first.',
  BREAK_GLASS_LIMIT:
    'breakGlassHealthAccess by a user who broke the glass 3 times in the last 24 hours (`availableAt` says when the next is allowed): ask for an approval instead.',
  CONTRAINDICATION: "A strict booking whose services' contraindications need a health review first.",
  DUPLICATE: 'A unique value no more precise reason names (a staff profile created meanwhile).',
  DUPLICATE_CODE: 'Another service, product or card product has this code.',
  DUPLICATE_EXTERNAL_ID: 'Another customer has this externalId.',
  DUPLICATE_NAME: 'Another tag, room, tier, segment or contraindication tag has this name.',
  DUPLICATE_PHONE: 'Another customer has this phone number.',
  DUPLICATE_RANK: 'Another membership tier has this rank.',
  DRY_RUN_REQUIRED:
    'startCustomerImport for a real run without a finished dry run of the same options (mapping, encoding, consent, card product).',
  ERASED:
    "The customer's personal data was erased (eraseCustomer): the record keeps only a pseudonym and cannot be changed or erased again.",
  EXPIRED: 'The card is past its validUntil.',
  FROZEN: 'The account is frozen (冻结): unfreeze it first.',
  IMPORT_CHANGED:
    'The real run of an import found rows that no longer do what its dry run promised (`rows` names them): nothing was written; dry-run again.',
  IN_USE: 'Deleting a contraindication tag that services still carry (`services` names them).',
  INVALID_STATE:
    'The status does not allow the move: an appointment status change, reschedule or visit not possible from it, or a visit already recorded from the appointment.',
  MERGED:
    'mergeCustomers with a customer that was merged already (`mergedInto` names its survivor), or updateCustomer / restoreCustomer of a merged record: work on the survivor.',
  NOT_TODAY: "Check-in on another day than the appointment's (in the store's time zone).",
  ROOM_BUSY: 'No room of the kind is free, or the room was booked meanwhile: pick another time or room.',
  STALE_VERSION:
    'expectedVersion is not the current version, or a concurrent write changed the record: reload and retry.',
  THERAPIST_BUSY: 'The therapist is booked then, or was booked meanwhile: pick another time or therapist.',
} as const;

export type ConflictReason = keyof typeof CONFLICT_REASONS;

/** BAD_USER_INPUT `extensions.rule` of domain checks (with `extensions.field` naming the input). */
export const BAD_INPUT_RULES = {
  active: 'The referenced record is archived or inactive (customer, service, product, card product).',
  afterStart: 'An end (endsOn, endsAt) is not after its start.',
  amount:
    'An opening balance of an import that is not a non-negative amount (元 with at most 2 decimals; whole points and uses).',
  balance: 'A refund when there is no stored value left.',
  bookable: 'The therapist does not offer the service in this store.',
  catalogue:
    'A custom report definition names a measure, dimension, grain or filter value reportCatalogue does not have, or a measure × dimension pair it does not allow.',
  choice: 'An import cell that is none of the values its column accepts (性别, 来源 …).',
  confirm: "eraseCustomer's `confirm` is not the customer's code (C000123): nothing was erased.",
  count: 'Too many items: more than 30 tags, or more weekly periods than allowed.',
  coupon: "The account is not one of this customer's coupons.",
  covered: 'The punch card does not cover the service.',
  cursor: '`after` is not a cursor this list returned.',
  customer: "The visit is not one of the complaint's customer.",
  date: 'A holiday is not a YYYY-MM-DD date between 2000 and 2100.',
  distinct: 'mergeCustomers with the same customer as survivor and merged one.',
  enum: 'An API key scope that does not exist.',
  exists: 'A referenced customer, store or staff member is not one of your organization.',
  file: 'An uploaded import file that is missing, not CSV or XLSX, empty, or cannot be read.',
  format: 'A value has not its format: an idempotency key, a #RRGGBB colour, an HH:MM time.',
  future:
    'A time on the wrong side of now: an expiresAt or appointment start in the past, a contact or complaint in the future.',
  greaterThanAfter: 'visitFollowUpWithinHours is not greater than visitFollowUpAfterHours.',
  greaterThanDormant: 'lostAfterDays is not greater than dormantAfterDays.',
  GUARDIAN_REQUIRED: 'Health consent for a minor without the guardian who gives it.',
  health: 'A tag rule uses health fields (tags are seen widely).',
  HEALTH_CONSENT_MISSING:
    "Health data written for a customer without health consent (or a minor's consent without a guardian).",
  HEALTH_CONSENT_WITHDRAWN: 'Health data written for a customer who withdrew health consent.',
  incomplete: 'An OPEN follow-up without followUpItems, an owner or a due date.',
  length: 'Text shorter or longer than its limit (names, notes, tag names).',
  line: 'The visitLineId is not a line of this visit.',
  LONE_SURROGATE: 'Text (an argument or a variable) with half of a UTF-16 surrogate pair.',
  manual: 'A rule for a tag that is set by hand.',
  marketingChannel: 'Contact consent for a channel that is not WECHAT, SMS, PHONE or EMAIL.',
  mapping:
    'An import mapping that names a column the file lacks or fills one field twice, or a file without a 姓名 column.',
  maxSize: 'An uploaded file larger than the limit.',
  match: "The customerId or storeId is not the appointment's.",
  minSpend: "The visit's total is below the coupon's minimum spend.",
  mobile: 'Not a Chinese mobile number (11 digits starting with 1).',
  NO_CONSENT: 'Withdrawing health consent when none is in force.',
  noRoom: 'A room for a service that needs none.',
  notInFuture: 'A birthday in the future.',
  notReversal: 'Reversing a reversal: post the movement again instead.',
  notSelf: 'A customer named as their own referrer.',
  NUL_CHARACTER:
    'Text (an argument, a variable, a cell of an imported file or its name) with a NUL character (\\u0000).',
  once: 'A visit line paid by a punch twice.',
  oneOf: 'Both or neither of two alternatives (accountId or customerId).',
  overlap: 'Two weekly working periods overlap.',
  pair: 'One of two values that go together without the other.',
  parameter:
    'A report export URL with a query parameter the report does not take (or one given twice), or a table it does not have.',
  personalData:
    "An erasure reason that contains the customer's name, phone or email: the audit log keeps the reason, never the erased values.",
  past: 'A date on the wrong side of today: availability before today, a visit recorded for the future.',
  phone: 'Not a phone number: a Chinese mobile or E.164.',
  positive: 'An amount of zero: nothing to post.',
  punchCard: 'The account is not a punch card (freezing, punching).',
  punchCardOnly: 'Uses or services for a card product that is not a punch card.',
  range: 'A number or date outside its range (first, stepMinutes, a rate limit, a birthday …).',
  readable:
    "requestHealthAccess or breakGlassHealthAccess for a customer whose health record (the asked sections) the caller's role reads already.",
  required: 'A value that is needed is missing, blank or null.',
  role: 'The staff member does not have the role the field needs.',
  roomKind: 'The room is not an active room of the kind the service needs in this store.',
  ruleBased: 'A rule-based tag set by hand: it is computed from its rule.',
  sections:
    'Health access sections that are empty, that the role may not ask for, or (approving) that were not requested.',
  status: 'The care task or complaint is in that status already.',
  stock: 'Not enough stock in a store that does not allow negative stock (`reason` INSUFFICIENT_STOCK).',
  sum: 'The payments do not add up to the amount due.',
  timeZone: 'Not an IANA time zone such as Asia/Shanghai.',
  unknown: 'A segment rule names an id that is not one of your organization.',
  uuid: 'An id that is not one this API returned (not a UUID).',
  workingHours: 'The therapist does not work then (hours, leave, extra shifts).',
} as const;

export type BadInputRule = keyof typeof BAD_INPUT_RULES;

/** BAD_USER_INPUT `extensions.reason`, next to the rule, where a client needs the case named. */
export const BAD_INPUT_REASONS = {
  INSUFFICIENT_STOCK: 'With rule `stock`: `available` and `requested` say how much there is and was asked.',
} as const;

export type BadInputReason = keyof typeof BAD_INPUT_REASONS;
