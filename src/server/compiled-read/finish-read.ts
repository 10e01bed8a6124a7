import type { Platform } from '@mikro-orm/core';
import { EncryptedJson, EncryptedText } from '../../entities/encrypted.type';

/** What Node completes of an object PostgreSQL built, member by member (compile-read.ts). */
export interface Finish {
  /** Members holding sealed health text (EncryptedText), opened here with the process's key ring. */
  sealed: string[];
  /** `required`: a null there is an error graphql-js reports (NOT_FOUND): it answers instead. */
  children: { key: string; finish: Finish; list: boolean; required?: boolean }[];
  /**
   * Members holding sealed json (EncryptedJson): opened and parsed; with `members`, an object whose
   * selected members are picked in selection order (absent: `defaults`, else null), as graphql-js's
   * default resolvers would read them off the parsed value.
   */
  sealedJson?: SealedJson[];
  /** Members graphql-js prints as GraphQLSafeInt (checked here; beyond it graphql-js answers). */
  safeIntegers?: string[];
  /** Health fields read by role: readable while the customer has not withdrawn consent (not OWNER). */
  consentBound?: boolean;
  /** A HealthProfile's audited fields: recorded as read for its customer. */
  healthReads?: string[];
  /** A Customer: its `#customer` member ([id, consent withdrawn]) is taken off here. */
  customer?: boolean;
}

export interface SealedJson {
  key: string;
  /** The object's GraphQL type (its __typename). */
  typeName?: string;
  members?: { key: string; name: string }[];
  defaults?: Record<string, unknown>;
  /** An object even when the stored value is null (a resolver that always builds one). */
  always?: boolean;
}

type CustomerMark = [id: string, withdrawn: boolean];

const sealedText = new EncryptedText();
const sealedJson = new EncryptedJson();
const NO_PLATFORM = undefined as unknown as Platform;

/**
 * Opens the sealed values of `data` in place and returns the health reads to audit, as the audit
 * middleware would have recorded them (server/audit.middleware.ts: every audited field of every
 * health profile answered, for its customer); undefined when a customer on it withdrew health
 * consent and the role is bound by that: then graphql-js answers the query with its FORBIDDEN paths.
 */
export function finishRead(
  data: Record<string, unknown>,
  finish: Finish,
): { customerId: string; field: string }[] | undefined {
  const reads: { customerId: string; field: string }[] = [];
  return finishObject(data, finish, reads, undefined) ? reads : undefined;
}

function finishObject(
  value: unknown,
  finish: Finish,
  reads: { customerId: string; field: string }[],
  customer: CustomerMark | undefined,
): boolean {
  if (value === null || value === undefined) return true;
  const object = value as Record<string, unknown>;
  let owner = customer;
  if (finish.customer) {
    owner = object['#customer'] as CustomerMark | undefined;
    // Every compiled Customer carries its mark: one without is an object this walk does not know.
    if (!owner) return false;
    delete object['#customer'];
  }
  // Money.minorUnits is a SafeInt: beyond 2^53 graphql-js refuses it (an error at the path).
  for (const key of finish.safeIntegers ?? [])
    if (object[key] !== null && !Number.isSafeInteger(object[key])) return false;
  // Health read by role is audited for, and bound by the consent of, the customer it belongs to: one
  // without a compiled Customer above it (no reach today) is graphql-js's to answer, never unaudited.
  if ((finish.consentBound || finish.healthReads) && !owner) return false;
  if (finish.consentBound && owner![1]) return false;
  for (const field of finish.healthReads ?? []) reads.push({ customerId: owner![0], field });
  for (const key of finish.sealed) {
    const sealed = object[key];
    if (typeof sealed === 'string') object[key] = sealedText.convertToJSValue(sealed, NO_PLATFORM);
  }
  for (const json of finish.sealedJson ?? []) {
    const sealed = object[json.key];
    if (typeof sealed === 'string')
      object[json.key] = opened(sealedJson.convertToJSValue(sealed, NO_PLATFORM), json);
  }
  for (const child of finish.children) {
    const member = object[child.key];
    if (!child.list) {
      if (child.required && member === null) return false;
      if (!finishObject(member, child.finish, reads, owner)) return false;
      continue;
    }
    if (Array.isArray(member))
      for (const element of member) if (!finishObject(element, child.finish, reads, owner)) return false;
  }
  return true;
}

function opened(value: unknown, json: SealedJson): unknown {
  if (!json.members) return value;
  if ((value === null || value === undefined) && !json.always) return null;
  const object = (value ?? {}) as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const member of json.members)
    picked[member.key] =
      member.name === '__typename'
        ? json.typeName
        : (object[member.name] ?? json.defaults?.[member.name] ?? null);
  return picked;
}
