import { rule } from 'graphql-shield';
import type { IRule } from 'graphql-shield';
import type { Role } from '../../entities/access/access.enums';
import type { PolicyContext } from '../policy-context';

// graphql-shield requires one rule instance per name, so equal role sets share an instance.
const roleRules = new Map<string, IRule>();

/** Reads only the context, so its answer may be cached for the whole request. */
export function hasRole(roles: readonly Role[]): IRule {
  const name = `has-role-${[...roles].sort().join('-')}`;
  let roleRule = roleRules.get(name);
  if (!roleRule) {
    roleRule = rule(name, { cache: 'contextual' })(
      async (_parent, _args, context: PolicyContext) =>
        context.viewer !== null && roles.includes(context.viewer.role),
    );
    roleRules.set(name, roleRule);
  }
  return roleRule;
}

export const isAuthenticated = rule('is-authenticated', { cache: 'contextual' })(
  async (_parent, _args, context: PolicyContext) => context.viewer !== null,
);

/**
 * Writes: staff roles by role; an integration also needs the scope on its API key (`customers:write`
 * for records, `ledger:write` for money). Reads only the context, so it may be cached for the request.
 */
export function mayWrite(roles: readonly Role[], scope = 'customers:write'): IRule {
  const name = `may-write-${scope.replace(':', '-')}-${[...roles].sort().join('-')}`;
  let writeRule = roleRules.get(name);
  if (!writeRule) {
    writeRule = rule(name, { cache: 'contextual' })(async (_parent, _args, context: PolicyContext) => {
      const viewer = context.viewer;
      if (!viewer || !roles.includes(viewer.role)) return false;
      return viewer.kind !== 'API_KEY' || viewer.scopes.includes(scope);
    });
    roleRules.set(name, writeRule);
  }
  return writeRule;
}
