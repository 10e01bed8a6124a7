import { GraphQLError } from 'graphql';
import { deny, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { accountPolicy } from './membership/account.policy';
import { appointmentPolicy } from './booking/appointment.policy';
import { checkoutPolicy } from './membership/checkout.policy';
import { carePolicy } from './care/care.policy';
import { cataloguePolicy } from './catalogue/catalogue.policy';
import { consentPolicy } from './customers/consent.policy';
import { customerPolicy } from './customers/customer.policy';
import { customerMergePolicy } from './customers/customer-merge.policy';
import { customerErasurePolicy } from './customers/customer-erasure.policy';
import { healthConsentPolicy } from './health/health-consent.policy';
import { healthPolicy, healthValuePolicy } from './health/health.policy';
import { healthAccessPolicy } from './health-access/health-access.policy';
import { mergePolicies, type PolicyMap } from './policy-map';
import { membershipPolicy } from './membership/membership.policy';
import { segmentPolicy } from './segments/segment.policy';
import { reportPolicy } from './reports/report.policy';
import { rfmReportPolicy } from './reports/rfm-report.policy';
import { staffReportPolicy } from './reports/staff-report.policy';
import { customerImportPolicy } from './imports/customer-import.policy';
import { customReportPolicy } from './reports/custom-report.policy';
import { staffPolicy } from './staff/staff.policy';
import { visitPolicy } from './visits/visit.policy';
import type { PolicyContext } from './policy-context';

/** The one policy map of the API: type → field → grant. */
export const policies: PolicyMap = mergePolicies(
  accountPolicy,
  customerPolicy,
  customerMergePolicy,
  customerErasurePolicy,
  consentPolicy,
  healthConsentPolicy,
  healthPolicy,
  healthValuePolicy,
  healthAccessPolicy,
  cataloguePolicy,
  appointmentPolicy,
  visitPolicy,
  staffPolicy,
  membershipPolicy,
  checkoutPolicy,
  carePolicy,
  segmentPolicy,
  reportPolicy,
  rfmReportPolicy,
  staffReportPolicy,
  customerImportPolicy,
  customReportPolicy,
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
      (context as Partial<PolicyContext> | undefined)?.viewer ? forbidden() : unauthenticated(),
    allowExternalErrors: true,
    debug: options.debug,
  });
}
