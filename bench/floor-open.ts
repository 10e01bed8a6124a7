import type { Pool } from 'pg';
import { masterKeyId, open, sealedPrefix, unwrapKey } from '../src/core/crypto/envelope';

/**
 * The floor's share of the encryption at rest (docs/architecture.md, "Encryption at rest"): the
 * organization's data keys unwrapped once at start, and each sealed value of a page opened in Node
 * (AES-256-GCM, src/core/crypto/envelope.ts), as the server's key ring does. PostgreSQL cannot open
 * them: the page JSON comes back with the sealed strings in place, and `openPage` replaces them.
 */

/** Data keys by the prefix of the values they seal (`v1.<keyId>.`, sealedPrefix). */
export type DataKeys = Map<string, Buffer>;

/** The organization's data keys, retired ones included (values under them still open). */
export async function loadDataKeys(pool: Pool, organizationId: string, masterKey: Buffer): Promise<DataKeys> {
  // The floor connects as the database owner: row-level security does not apply to it.
  const { rows } = await pool.query<{ id: string; wrapped_key: string; master_key_id: string }>(
    'select id, wrapped_key, master_key_id from data_key where organization_id = $1',
    [organizationId],
  );
  const masterId = masterKeyId(masterKey);
  const keys: DataKeys = new Map();
  for (const row of rows) {
    if (row.master_key_id !== masterId)
      throw new Error(
        `data key ${row.id} is wrapped by master key id ${row.master_key_id}, not MASTER_KEY's ${masterId}`,
      );
    keys.set(sealedPrefix(row.id), unwrapKey(masterKey, row.id, row.wrapped_key));
  }
  return keys;
}

type Picked = Record<string, unknown>;

/** The sealed json lists (EncryptedJson): answered whole, their plaintext is the JSON. */
const JSON_LISTS = new Set(['secondaryConstitutions', 'currentComplaints', 'wellnessGoals']);

/**
 * The sealed json objects as the page selects them: only the selected fields, in selection order
 * (bench/pages-queries.ts), null when absent (GraphQL's default resolver), skinProfile.concerns `[]`
 * (src/resolvers/health/health-profile-fields.resolver.ts).
 */
const JSON_OBJECTS: Record<string, (value: Picked) => unknown> = {
  lifestyle: (value) => ({
    sleepHours: value.sleepHours ?? null,
    sleepQuality: value.sleepQuality ?? null,
    diet: value.diet ?? null,
    exercise: value.exercise ?? null,
    smoking: value.smoking ?? null,
    drinking: value.drinking ?? null,
    note: value.note ?? null,
  }),
  skinProfile: (value) => ({
    type: value.type ?? null,
    oiliness: value.oiliness ?? null,
    sensitivity: value.sensitivity ?? null,
    concerns: value.concerns ?? [],
  }),
};

/** A member of a json_build_object whose value is a sealed string (the shape of envelope.ts SEALED). */
const SEALED_MEMBER = /"(\w+)"\s*:\s*"(v1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,})"/g;
const PREFIX_LENGTH = 'v1.'.length + 22 + 1;

/** The page JSON with every sealed value opened: a text as a string, a json value as json. */
export function openPage(keys: DataKeys, body: string): string {
  return body.replace(SEALED_MEMBER, (_member, name: string, sealed: string) => {
    const key = keys.get(sealed.slice(0, PREFIX_LENGTH));
    if (!key) throw new Error(`a value of ${name} is sealed by a data key the floor did not load`);
    const plaintext = open(key, sealed);
    if (JSON_LISTS.has(name)) return `"${name}":${plaintext}`;
    const select = JSON_OBJECTS[name];
    return `"${name}":${JSON.stringify(select ? select(JSON.parse(plaintext) as Picked) : plaintext)}`;
  });
}
