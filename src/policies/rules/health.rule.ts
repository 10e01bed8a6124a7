import { rule } from 'graphql-shield';
import type { PolicyContext } from '../policy-context';
import {
  ACCESS_SECTIONS_OF,
  grantCovering,
  HealthAccessSection,
  HealthSection,
  mayAccessHealth,
  mayHoldHealthGrants,
  type CustomerRelation,
} from '../../core/health-access';

/** The customer a health object belongs to: the Customer itself, or the `customer` reference. */
function customerIdOf(parent: { id: string; customer?: { id: string } }): string {
  return parent.customer ? parent.customer.id : parent.id;
}

/**
 * Whether the viewer reads one of `sections` of the customer by role, else one of `granted` under a
 * grant in force (档案查阅审批, break-glass). Grants are looked up only for roles that may hold them,
 * and only after the role said no, so OWNER and MANAGER never cost a statement; a read on a grant is
 * reported to the audit with the grant.
 */
async function mayRead(
  parent: { id: string; customer?: { id: string } },
  context: PolicyContext,
  sections: readonly HealthSection[],
  granted: readonly HealthAccessSection[],
): Promise<boolean> {
  const viewer = context.viewer;
  if (!viewer) return false;
  const customerId = customerIdOf(parent);
  const relation: CustomerRelation | null = await context.loaders.customerAssignment.load(customerId);
  if (sections.some((section) => mayAccessHealth(viewer, section, relation))) return true;
  if (!relation || !mayHoldHealthGrants(viewer.role)) return false;
  const grant = grantCovering(
    await context.healthGrants.active(),
    granted,
    { ...relation, customerId },
    context.healthGrants.now,
    viewer.role,
  );
  if (grant) context.healthGrants.used(customerId, grant);
  return grant !== undefined;
}

/**
 * Health fields: allowed when the viewer may access the given sections of this parent's customer.
 * `sections` lists the sections any one of which grants the read by role; `granted` the parts a grant
 * must name (by default those of `sections`). Never cached: reads the parent.
 */
export const healthRule = (
  sections: readonly HealthSection[],
  granted: readonly HealthAccessSection[] = sections.flatMap((section) => ACCESS_SECTIONS_OF[section]),
) =>
  rule({ cache: 'no_cache' })(
    (parent: { id: string; customer?: { id: string } }, _args, context: PolicyContext) =>
      mayRead(parent, context, sections, granted),
  );

/** Customer.healthProfile is readable when any section is, by role or under a grant. */
export const healthProfileRule = healthRule(
  [HealthSection.SAFETY, HealthSection.CLINICAL],
  Object.values(HealthAccessSection),
);
