import { rule } from 'graphql-shield';
import type { Customer } from '../../entities';
import type { PolicyContext } from '../policy-context';
import { HealthSection, mayAccessHealth } from '../../core/health-access';

/** The customer a health object belongs to: the Customer itself, or the `customer` reference. */
function customerIdOf(parent: { id: string; customer?: { id: string } }): string {
  return parent.customer ? parent.customer.id : parent.id;
}

/**
 * Health fields: allowed when the viewer may access the given sections of this parent's customer.
 * `sections` lists the sections any one of which grants the read. Never cached: reads the parent.
 */
export const healthRule = (sections: readonly HealthSection[]) =>
  rule({ cache: 'no_cache' })(
    async (parent: { id: string; customer?: { id: string } }, _args, context: PolicyContext) => {
      if (!context.viewer) return false;
      const assignment = await context.loaders.customerAssignment.load(customerIdOf(parent));
      return sections.some((section) => mayAccessHealth(context.viewer, section, assignment));
    },
  );

/** Customer.healthProfile is readable when any section is. */
export const healthProfileRule = rule({ cache: 'no_cache' })(async (
  parent: Customer,
  _args,
  context: PolicyContext,
) => {
  if (!context.viewer) return false;
  const relation = await context.loaders.customerAssignment.load(parent.id);
  return [HealthSection.SAFETY, HealthSection.CLINICAL].some((section) =>
    mayAccessHealth(context.viewer, section, relation),
  );
});
