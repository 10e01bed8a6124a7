import type { EntityManager } from '@mikro-orm/postgresql';
import {
  Customer,
  Organization,
  Settlement,
  Visit,
  type LedgerEntry,
  type MembershipTier,
} from '../../entities';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';

/** What every step of one checkout works on: its transaction, the visit, who pays, and the entries so far. */
export interface CheckoutRun {
  em: EntityManager;
  viewer: Viewer;
  operationId: string;
  visit: Visit;
  customer: Customer;
  organization: Organization;
  /** The customer's tier as the checkout starts: its discount and points multiplier apply. */
  tier: MembershipTier | null;
  /** Where the visit's entries were posted, on each of them. */
  context: { storeId: string; visitId: string };
  /** Every entry posted so far, in posting order. */
  entries: LedgerEntry[];
}

/**
 * Decides whether the visit can be settled at all: it exists and has no settlement yet. Locks the
 * customer first (lockCustomer), so the check and everything after it see every earlier checkout.
 */
export async function openCheckout(
  em: EntityManager,
  viewer: Viewer,
  operationId: string,
  visitId: string,
): Promise<CheckoutRun> {
  const visit = await em.findOne(Visit, { id: visitId }, { populate: ['lines'] });
  if (!visit) throw new NotFoundError('Visit', visitId);
  const customer = await lockCustomer(em, visit.customer.id);
  if (await em.count(Settlement, { visit: visit.id }))
    throw new ConflictError('This visit is settled already.', { reason: 'ALREADY_SETTLED' });
  const organization = await em.findOneOrFail(Organization, { id: viewer.organizationId });
  const tier = customer.tier ? await customer.tier.load() : null;
  return {
    em,
    viewer,
    operationId,
    visit,
    customer,
    organization,
    tier,
    context: { storeId: visit.store.id, visitId: visit.id },
    entries: [],
  };
}

/**
 * One checkout per customer at a time: the referral reward and the tier see every earlier payment.
 * FOR NO KEY UPDATE, not FOR UPDATE: every posting locks its account and then takes FOR KEY SHARE on
 * the customer (the ledger's foreign key), which FOR UPDATE blocks; a checkout waiting for that
 * account deadlocked with it. Checkouts still exclude each other, and no posting waits for them.
 */
async function lockCustomer(em: EntityManager, customerId: string): Promise<Customer> {
  await em
    .getConnection()
    .execute(
      `select 1 from customer where id = ? for no key update`,
      [customerId],
      'all',
      em.getTransactionContext(),
    );
  return em.findOneOrFail(Customer, { id: customerId });
}
