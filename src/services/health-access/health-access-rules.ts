import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../../entities';
import {
  ACCESS_SECTIONS_OF,
  HealthSection,
  mayAccessHealth,
  type CustomerRelation,
  type HealthAccessSection,
} from '../../core/health-access';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { customersServedToday } from '../read/serving';
import { runPrepared } from '../sql';

/** Requests left undecided this long can no longer be approved: the need is a day's work. */
export const PENDING_HOURS = 24;

/** The customer (NOT_FOUND outside the organization) and how the viewer relates to them. */
export async function customerRelation(
  em: EntityManager,
  viewer: Viewer,
  customerId: string,
): Promise<{ customer: Customer; relation: CustomerRelation }> {
  const customer = await em.findOne(Customer, { id: customerId });
  if (!customer) throw new NotFoundError('Customer', customerId);
  const served = await customersServedToday(em, viewer, [customerId]);
  return {
    customer,
    relation: {
      consultantId: customer.assignedConsultant?.id,
      therapistId: customer.assignedTherapist?.id,
      servedToday: served.has(customerId),
      healthConsentWithdrawn: customer.healthConsentWithdrawnAt != null,
    },
  };
}

/** Access parts the viewer's role reads already for this customer: asking for them is a mistake. */
export function refuseReadable(
  viewer: Viewer,
  relation: CustomerRelation,
  sections: readonly HealthAccessSection[],
): void {
  const readable = sections.filter((part) =>
    Object.values(HealthSection).some(
      (section) => ACCESS_SECTIONS_OF[section].includes(part) && mayAccessHealth(viewer, section, relation),
    ),
  );
  if (readable.length > 0)
    throw new BadInputError(
      'sections',
      'readable',
      `Your role reads ${readable.join(', ')} of this customer already: no approval is needed.`,
    );
}

/** The customer's store: home store, else where they last visited (whose manager reviews). */
export async function customerStoreId(em: EntityManager, customer: Customer): Promise<string | undefined> {
  if (customer.homeStore) return customer.homeStore.id;
  const [row] = await runPrepared<{ store_id: string }>(
    em,
    `select store_id from visit where customer_id = ? and organization_id = ?
      order by visited_at desc, id desc limit 1`,
    [customer.id, customer.organization.id],
  );
  return row?.store_id;
}
