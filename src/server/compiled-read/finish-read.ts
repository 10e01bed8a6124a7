import type { Platform } from '@mikro-orm/core';
import { EncryptedText } from '../../entities/encrypted.type';

/** What Node completes of an object PostgreSQL built, member by member (compile-read.ts). */
export interface Finish {
  /** Members holding sealed health text (EncryptedText), opened here with the process's key ring. */
  sealed: string[];
  children: { key: string; finish: Finish; list: boolean }[];
  /** Health fields read by role: readable while the customer has not withdrawn consent (not OWNER). */
  consentBound?: boolean;
  /** A HealthProfile's audited fields: recorded as read for its customer. */
  healthReads?: string[];
  /** A Customer: its `#customer` member ([id, consent withdrawn]) is taken off here. */
  customer?: boolean;
}

type CustomerMark = [id: string, withdrawn: boolean];

const sealedText = new EncryptedText();
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
    owner = object['#customer'] as CustomerMark;
    delete object['#customer'];
  }
  if (finish.consentBound && owner?.[1]) return false;
  if (finish.healthReads && owner)
    for (const field of finish.healthReads) reads.push({ customerId: owner[0], field });
  for (const key of finish.sealed) {
    const sealed = object[key];
    if (typeof sealed === 'string') object[key] = sealedText.convertToJSValue(sealed, NO_PLATFORM);
  }
  for (const child of finish.children) {
    const member = object[child.key];
    if (!child.list) {
      if (!finishObject(member, child.finish, reads, owner)) return false;
      continue;
    }
    if (Array.isArray(member))
      for (const element of member) if (!finishObject(element, child.finish, reads, owner)) return false;
  }
  return true;
}
