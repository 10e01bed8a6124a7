import { rule } from 'graphql-shield';
import type { Customer } from '../../entities';
import type { Role } from '../../entities/access/access.enums';
import type { PolicyContext } from '../policy-context';

/**
 * Roles in `always` read the field of every customer; roles in `assigned` only of customers assigned
 * to them as consultant. Reads the parent, so never cached beyond the single call.
 */
export const customerFieldRule = (always: readonly Role[], assigned: readonly Role[]) =>
  rule({ cache: 'no_cache' })(async (parent: Customer, _args, context: PolicyContext) => {
    const viewer = context.viewer;
    if (!viewer) return false;
    if (always.includes(viewer.role)) return true;
    return (
      assigned.includes(viewer.role) &&
      viewer.userId !== undefined &&
      parent.assignedConsultant?.id === viewer.userId
    );
  });
