import type { Platform } from '@mikro-orm/core';
import { EncryptedJson, EncryptedText } from '../../entities/encrypted.type';
import { MARK_TEXT } from './read-marks';
import type { DirectoryNameKind, DirectoryNames } from '../../services/read/directory-names';

/** What the marks of one compiled statement refer to (read-marks.ts), by index. */
export interface Marks {
  /** The audited health fields each health mark records as read. */
  health: string[][];
  sealedJson: SealedJson[];
  names: NameMark[];
}

/** A directory row printed from the cache (read-names.ts): its selected members in selection order. */
export interface NameMark {
  kind: DirectoryNameKind;
  typeName: string;
  /** Response key and field name (`__typename` included). */
  members: { key: string; name: string }[];
}

/**
 * A sealed json value; with `members`, an object whose selected members are picked in selection
 * order (absent: `defaults`, else null), as graphql-js's default resolvers would read them off the
 * parsed value.
 */
export interface SealedJson {
  /** The object's GraphQL type (its __typename). */
  typeName?: string;
  members?: { key: string; name: string }[];
  defaults?: Record<string, unknown>;
  /** An object even when the stored value is null (a resolver that always builds one). */
  always?: boolean;
}

export interface HealthRead {
  customerId: string;
  field: string;
}

const sealedText = new EncryptedText();
const sealedJson = new EncryptedJson();
const NO_PLATFORM = undefined as unknown as Platform;
/** How json_build_object writes a member that follows another, and a null value. */
const MEMBER_SEPARATOR = ', ';
/**
 * What a sealed value is made of (core/crypto/envelope.ts: version, key id, iv and body in base64url).
 * Anything else in a sealed column (plaintext from before the encryption, which json escapes) is
 * graphql-js's to answer: the text around a mark is copied unescaped.
 */
const SEALED_CHARACTERS = /^[A-Za-z0-9._-]*$/;
const NULL_VALUE = ' : null';

/**
 * Completes the json text PostgreSQL built, without parsing it: each mark (read-marks.ts) is
 * replaced by its opened value, or taken out after recording what it says. Returns the text, or
 * undefined when graphql-js must answer: a customer on it whose health fields the role may not read
 * by role (the fallback mark: graphql-js answers with its FORBIDDEN paths and access grants), a value
 * only graphql-js reports, or a mark this walk does not know.
 * A sealed value that does not open throws (the caller then lets graphql-js answer).
 * `reads` collects the health reads to audit, as the audit middleware would record them. `names`: the
 * organization's directory rows for the name marks; a row it lacks (made after it was read, and not yet
 * notified) is graphql-js's to answer.
 */
export function finishText(
  text: string,
  marks: Marks,
  reads: HealthRead[],
  names?: DirectoryNames,
): string | undefined {
  let finished = '';
  let from = 0;
  for (let at = text.indexOf(MARK_TEXT); at !== -1; at = text.indexOf(MARK_TEXT, from)) {
    const kindAt = at + MARK_TEXT.length;
    // Marks hold no quote or backslash (a secret, digits, uuids and base64url): the next quote ends one.
    const end = text.indexOf('"', kindAt);
    if (end === -1) return undefined;
    const body = text.slice(kindAt + 1, end);
    const kind = text[kindAt];
    if (kind === 's') {
      if (!SEALED_CHARACTERS.test(body)) return undefined;
      finished += text.slice(from, at) + JSON.stringify(sealedText.convertToJSValue(body, NO_PLATFORM));
      from = end + 1;
    } else if (kind === 'j') {
      const colon = body.indexOf(':');
      const spec = marks.sealedJson[Number(body.slice(0, colon))];
      if (colon < 1 || !spec) return undefined;
      const sealed = body.slice(colon + 1);
      if (!SEALED_CHARACTERS.test(sealed)) return undefined;
      const value = sealed ? sealedJson.convertToJSValue(sealed, NO_PLATFORM) : null;
      finished += text.slice(from, at) + JSON.stringify(opened(value, spec) ?? null);
      from = end + 1;
    } else if (kind === 'd') {
      const colon = body.indexOf(':');
      const spec = marks.names[Number(body.slice(0, colon))];
      const printed =
        colon > 0 && spec && names ? printedName(spec, names, body.slice(colon + 1)) : undefined;
      if (printed === undefined) return undefined;
      finished += text.slice(from, at) + printed;
      from = end + 1;
    } else if (kind === 'h') {
      // A member after the object's own: `, "<mark>" : null`, taken out whole.
      if (text.slice(at - MEMBER_SEPARATOR.length, at) !== MEMBER_SEPARATOR) return undefined;
      if (!text.startsWith(NULL_VALUE, end + 1)) return undefined;
      const colon = body.indexOf(':');
      const fields = marks.health[Number(body.slice(0, colon))];
      if (colon < 1 || !fields) return undefined;
      const customerId = body.slice(colon + 1);
      for (const field of fields) reads.push({ customerId, field });
      finished += text.slice(from, at - MEMBER_SEPARATOR.length);
      from = end + 1 + NULL_VALUE.length;
    } else return undefined;
  }
  return finished + text.slice(from);
}

/** Per name mark, its rows as printed from one directory snapshot (a page names the same few again and again). */
const printedNames = new WeakMap<NameMark, { names: DirectoryNames; printed: Map<string, string> }>();

/** The json of the directory row `id` with the mark's members; undefined when the snapshot lacks it. */
function printedName(spec: NameMark, names: DirectoryNames, id: string): string | undefined {
  let known = printedNames.get(spec);
  if (!known || known.names !== names) printedNames.set(spec, (known = { names, printed: new Map() }));
  let printed = known.printed.get(id);
  if (printed !== undefined) return printed;
  const row = names[spec.kind].get(id);
  if (!row) return undefined;
  const picked: Record<string, string> = {};
  for (const member of spec.members)
    picked[member.key] = member.name === '__typename' ? spec.typeName : row[member.name];
  printed = JSON.stringify(picked);
  known.printed.set(id, printed);
  return printed;
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
