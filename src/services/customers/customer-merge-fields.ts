import type { Customer } from '../../entities';
import { MergeField, MergeSide } from '../../entities/customers/customer-merge.enums';

/** A value both customers had, differently: which one the survivor now holds. */
export interface MergeConflict {
  /** The MergeField, or a dotted path for what no choice covers (healthProfile.lifestyle.diet). */
  field: string;
  kept: MergeSide;
}

/** What the field merge decided: reported values and the unique identifiers to move in steps. */
export interface FieldMerge {
  conflicts: MergeConflict[];
  /** Fields the survivor lacked and took from the merged one. */
  filled: string[];
  /** Unique per organization: moved with staged writes (identifiers.ts of the merge service). */
  phone: IdentifierMove;
  externalId: IdentifierMove;
}

/** Where a unique identifier goes: the survivor takes the merged one's, which may get the survivor's. */
export interface IdentifierMove {
  survivorTakes?: string;
  /** The survivor's previous value, handed to the merged record so it still leads to the survivor. */
  mergedGets?: string;
}

interface FieldRule {
  field: MergeField;
  /** A comparable value; null, undefined and '' are empty. */
  read(customer: Customer): unknown;
  copy(from: Customer, to: Customer): void;
}

type Plain =
  | 'gender'
  | 'birthday'
  | 'email'
  | 'address'
  | 'occupation'
  | 'source'
  | 'sourceNote'
  | 'notes'
  | 'photoUrl'
  | 'preferredChannel'
  | 'statusOverride';
type Reference = 'homeStore' | 'assignedConsultant' | 'assignedTherapist';

const plain = (field: MergeField, property: Plain): FieldRule => ({
  field,
  read: (customer) => customer[property],
  copy: (from, to) => {
    (to as unknown as Record<Plain, unknown>)[property] = from[property];
  },
});

const reference = (field: MergeField, property: Reference): FieldRule => ({
  field,
  read: (customer) => customer[property]?.id,
  copy: (from, to) => {
    (to as unknown as Record<Reference, unknown>)[property] = from[property];
  },
});

const RULES: FieldRule[] = [
  {
    field: MergeField.NAME,
    read: (customer) => customer.name,
    copy: (from, to) => {
      to.name = from.name;
      to.namePinyin = from.namePinyin;
      to.nameInitials = from.nameInitials;
    },
  },
  plain(MergeField.GENDER, 'gender'),
  plain(MergeField.BIRTHDAY, 'birthday'),
  plain(MergeField.EMAIL, 'email'),
  plain(MergeField.ADDRESS, 'address'),
  plain(MergeField.OCCUPATION, 'occupation'),
  plain(MergeField.SOURCE, 'source'),
  plain(MergeField.SOURCE_NOTE, 'sourceNote'),
  plain(MergeField.NOTES, 'notes'),
  plain(MergeField.PHOTO_URL, 'photoUrl'),
  plain(MergeField.PREFERRED_CHANNEL, 'preferredChannel'),
  plain(MergeField.STATUS_OVERRIDE, 'statusOverride'),
  reference(MergeField.HOME_STORE, 'homeStore'),
  reference(MergeField.ASSIGNED_CONSULTANT, 'assignedConsultant'),
  reference(MergeField.ASSIGNED_THERAPIST, 'assignedTherapist'),
];

const isEmpty = (value: unknown) => value === null || value === undefined || value === '';

/**
 * Copies into the survivor what it lacks and, where both have a value, what `choices` take from the
 * merged one; every such pair is a conflict in the answer. The merged record keeps its own values (it
 * is the trace of the duplicate), so nothing a conflict left behind is lost.
 */
export function mergeCustomerFields(
  survivor: Customer,
  merged: Customer,
  choices: ReadonlySet<MergeField>,
): FieldMerge {
  const conflicts: MergeConflict[] = [];
  const filled: string[] = [];
  const decide = (field: MergeField, mine: unknown, theirs: unknown): 'take' | 'keep' | 'same' => {
    if (isEmpty(theirs) || mine === theirs) return 'same';
    if (isEmpty(mine)) {
      filled.push(field);
      return 'take';
    }
    const kept = choices.has(field) ? MergeSide.MERGED : MergeSide.SURVIVOR;
    conflicts.push({ field, kept });
    return kept === MergeSide.MERGED ? 'take' : 'keep';
  };
  for (const rule of RULES) {
    if (decide(rule.field, rule.read(survivor), rule.read(merged)) === 'take') rule.copy(merged, survivor);
  }
  mergeReferrer(survivor, merged, decide);
  const identifier = (field: MergeField, mine?: string, theirs?: string): IdentifierMove =>
    decide(field, mine, theirs) === 'take' ? { survivorTakes: theirs, mergedGets: mine ?? undefined } : {};
  const phone = identifier(MergeField.PHONE, survivor.phone, merged.phone);
  const externalId = identifier(MergeField.EXTERNAL_ID, survivor.externalId, merged.externalId);
  mergeLists(survivor, merged);
  return { conflicts, filled, phone, externalId };
}

/** Nobody refers themself: a referrer that is the other of the two is dropped, not copied. */
function mergeReferrer(
  survivor: Customer,
  merged: Customer,
  decide: (field: MergeField, mine: unknown, theirs: unknown) => 'take' | 'keep' | 'same',
): void {
  if (survivor.referrer?.id === merged.id) survivor.referrer = undefined;
  const theirs = merged.referrer?.id === survivor.id ? undefined : merged.referrer;
  if (decide(MergeField.REFERRER, survivor.referrer?.id, theirs?.id) === 'take') survivor.referrer = theirs;
}

/** Values that combine instead of conflicting: dates, preferences, opt-outs, consent, aggregates. */
function mergeLists(survivor: Customer, merged: Customer): void {
  const dates = new Map(survivor.importantDates.map((date) => [`${date.kind}|${date.date}`, date]));
  for (const date of merged.importantDates)
    dates.set(`${date.kind}|${date.date}`, dates.get(`${date.kind}|${date.date}`) ?? date);
  survivor.importantDates = [...dates.values()];
  const preferences: Record<string, unknown> = { ...survivor.preferences };
  for (const [key, value] of Object.entries(merged.preferences ?? {})) {
    const mine = preferences[key];
    if (isEmpty(mine) || (Array.isArray(mine) && mine.length === 0)) preferences[key] = value;
  }
  survivor.preferences = preferences;
  // One person's 勿扰 on either record is their wish.
  survivor.doNotContact = survivor.doNotContact || merged.doNotContact;
  if (survivor.marketingCapCount == null && merged.marketingCapCount != null) {
    survivor.marketingCapCount = merged.marketingCapCount;
    survivor.marketingCapDays = merged.marketingCapDays;
  }
  // 推荐奖励 is paid once per person: rewarded on either record is rewarded.
  if (!survivor.referralRewardedAt) survivor.referralRewardedAt = merged.referralRewardedAt;
  mergeHealthConsent(survivor, merged);
  survivor.visitCount += merged.visitCount;
  survivor.lifetimeSpend = Number(survivor.lifetimeSpend) + Number(merged.lifetimeSpend);
  if (merged.lastVisitAt && (!survivor.lastVisitAt || merged.lastVisitAt > survivor.lastVisitAt))
    survivor.lastVisitAt = merged.lastVisitAt;
}

/**
 * The survivor's health consent stays; without one it takes the merged one's. A withdrawal on the
 * merged record later than the survivor's consent wins (PIPL art. 15): the person's last word was stop,
 * whichever card the desk pulled.
 */
function mergeHealthConsent(survivor: Customer, merged: Customer): void {
  if (!survivor.healthConsentGivenAt && merged.healthConsentGivenAt) {
    survivor.healthConsentGivenAt = merged.healthConsentGivenAt;
    survivor.healthConsentSource = merged.healthConsentSource;
    survivor.healthConsentGuardian = merged.healthConsentGuardian;
    survivor.healthConsentWithdrawnAt = merged.healthConsentWithdrawnAt;
  } else if (
    survivor.healthConsentGivenAt &&
    !survivor.healthConsentWithdrawnAt &&
    merged.healthConsentWithdrawnAt &&
    merged.healthConsentWithdrawnAt > survivor.healthConsentGivenAt
  ) {
    survivor.healthConsentWithdrawnAt = merged.healthConsentWithdrawnAt;
  }
}
