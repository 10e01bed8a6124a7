import { getNamedType, isAbstractType, isObjectType, type GraphQLSchema } from 'graphql';
import { ALL_ROLES, type Role } from '../entities/access/access.enums';
import type { PolicyMap } from './policy-map';

type Caller = Role | 'ANONYMOUS';
const CALLERS: Caller[] = [...ALL_ROLES, 'ANONYMOUS'];
const ROOTS = ['Query', 'Mutation', 'Subscription'];

export interface FieldName {
  typeName: string;
  fieldName: string;
}

/**
 * Fields whose rule cannot deny anyone who can hold their parent: the rule reads only the role, and
 * every role that can reach an object of the type by any path of allowed fields is allowed. Their
 * shield middleware would only ever answer true, at the cost of a promise per field and row (a list
 * page resolves about 1,800 fields), so build-schema.ts leaves them out.
 *
 * Reach is over-approximated (a field whose rule reads the parent counts as passable for every role
 * it may ever allow), so the set is on the safe side. Root fields are always shielded, and a field
 * without a grant never appears here (the fallback denies it).
 */
export function fieldsThatCannotDeny(schema: GraphQLSchema, policies: PolicyMap): FieldName[] {
  const reach = new Map<string, Set<Caller>>(ROOTS.map((root) => [root, new Set(CALLERS)]));
  const queue = [...ROOTS];
  while (queue.length > 0) {
    const typeName = queue.shift()!;
    const type = schema.getType(typeName);
    const callers = reach.get(typeName)!;
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const fieldGrant = policies[typeName]?.[field.name];
      if (!fieldGrant) continue;
      const passing = [...callers].filter((caller) => fieldGrant.conditionFor(caller) !== 'NEVER');
      const target = getNamedType(field.type);
      const targets = isAbstractType(target) ? schema.getPossibleTypes(target) : [target];
      for (const next of targets) {
        if (!isObjectType(next)) continue;
        const known = reach.get(next.name) ?? new Set<Caller>();
        const before = known.size;
        for (const caller of passing) known.add(caller);
        reach.set(next.name, known);
        if (known.size > before) queue.push(next.name);
      }
    }
  }
  const unshielded: FieldName[] = [];
  for (const [typeName, callers] of reach) {
    const type = schema.getType(typeName);
    if (ROOTS.includes(typeName) || !isObjectType(type)) continue;
    for (const fieldName of Object.keys(type.getFields())) {
      const fieldGrant = policies[typeName]?.[fieldName];
      if (
        fieldGrant?.readsOnlyRole &&
        [...callers].every((caller) => fieldGrant.conditionFor(caller) === 'ALWAYS')
      )
        unshielded.push({ typeName, fieldName });
    }
  }
  return unshielded;
}

/**
 * Non-root fields whose grant lets some roles through whatever the parent, args and scopes
 * (Grant.alwaysFor): for those roles the shield could only answer true.
 */
export function fieldsAlwaysAllowedFor(
  schema: GraphQLSchema,
  policies: PolicyMap,
): (FieldName & { roles: readonly Role[] })[] {
  const fields: (FieldName & { roles: readonly Role[] })[] = [];
  for (const [typeName, grants] of Object.entries(policies)) {
    if (ROOTS.includes(typeName) || !isObjectType(schema.getType(typeName))) continue;
    for (const [fieldName, fieldGrant] of Object.entries(grants)) {
      if (fieldGrant.alwaysFor?.length) fields.push({ typeName, fieldName, roles: fieldGrant.alwaysFor });
    }
  }
  return fields;
}
