import type { Customer } from '../../entities';
import { ConflictError } from '../../core/errors';

/**
 * A merged record is a trace that leads to its survivor: editing or restoring it would bring the
 * duplicate back. CONFLICT MERGED names the survivor to work on instead.
 */
export function assertNotMerged(customer: Pick<Customer, 'code' | 'mergedInto'>): void {
  if (customer.mergedInto)
    throw new ConflictError(`Customer ${customer.code} was merged into another customer: change that one.`, {
      reason: 'MERGED',
      mergedInto: customer.mergedInto.id,
    });
}
