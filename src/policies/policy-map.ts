import type { Grant } from './grant';

/** type name → field name → grant. Every field of every object type must appear (a test checks). */
export type PolicyMap = Record<string, Record<string, Grant>>;

/** The same grant for several fields of a type. */
export function fieldsOf(names: string[], fieldGrant: Grant): Record<string, Grant> {
  return Object.fromEntries(names.map((name) => [name, fieldGrant]));
}

export function mergePolicies(...maps: PolicyMap[]): PolicyMap {
  const merged: PolicyMap = {};
  for (const map of maps) {
    for (const [typeName, fields] of Object.entries(map)) {
      for (const fieldName of Object.keys(fields)) {
        if (merged[typeName]?.[fieldName])
          throw new Error(`Policy for ${typeName}.${fieldName} is defined twice`);
      }
      merged[typeName] = { ...merged[typeName], ...fields };
    }
  }
  return merged;
}
