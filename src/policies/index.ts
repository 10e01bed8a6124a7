import { GraphQLError } from 'graphql';
import { deny, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { accountPolicy } from './account.policy';
import { appointmentPolicy } from './appointment.policy';
import { carePolicy } from './care.policy';
import { cataloguePolicy } from './catalogue.policy';
import { customerPolicy } from './customer.policy';
import { healthPolicy, healthValuePolicy } from './health.policy';
import { mergePolicies, type PolicyMap } from './policy-map';
import { membershipPolicy } from './membership.policy';
import { segmentPolicy } from './segment.policy';
import { staffPolicy } from './staff.policy';
import { visitPolicy } from './visit.policy';
import type { AppContext } from '../server/context';

/** The one policy map of the API: type → field → grant. */
export const policies: PolicyMap = mergePolicies(
  accountPolicy,
  customerPolicy,
  healthPolicy,
  healthValuePolicy,
  cataloguePolicy,
  appointmentPolicy,
  visitPolicy,
  staffPolicy,
  membershipPolicy,
  carePolicy,
  segmentPolicy,
);

/** What a caller without credentials is told for anything but `login`. */
export function unauthenticated(): GraphQLError {
  return new GraphQLError(
    'Authentication required: send "Authorization: Bearer <token>" (a token from the login mutation, or an API key).',
    { extensions: { code: 'UNAUTHENTICATED' } },
  );
}

export function forbidden(): GraphQLError {
  return new GraphQLError('Not allowed: your role may not read or do this (see viewer.readableFields).', {
    extensions: { code: 'FORBIDDEN' },
  });
}

export function createPermissions(options: { debug: boolean }) {
  const rules: IRules = Object.fromEntries(
    Object.entries(policies).map(([typeName, fields]) => [
      typeName,
      Object.fromEntries(
        Object.entries(fields).map(([fieldName, fieldGrant]) => [fieldName, fieldGrant.rule]),
      ),
    ]),
  );
  return shield(rules, {
    fallbackRule: deny,
    // Denied without credentials: UNAUTHENTICATED; denied for a role: FORBIDDEN.
    fallbackError: (_error, _parent, _args, context) =>
      (context as Partial<AppContext> | undefined)?.viewer ? forbidden() : unauthenticated(),
    allowExternalErrors: true,
    debug: options.debug,
  });
}
