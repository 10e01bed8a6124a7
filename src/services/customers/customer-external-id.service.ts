import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, CustomerExternalId } from '../../entities';
import type { Viewer } from '../../core/viewer';

/** The integration of `Customer.externalId`: the organization's own number, and keys' before per-integration ids. */
export const LEGACY_INTEGRATION = 'legacy';

/**
 * Whose ids a caller reads and writes as `externalId`: an API key its integration's (the key's name,
 * so a rotated key keeps them), anyone else the organization's own (`Customer.externalId`).
 */
export function integrationOf(viewer: Viewer): string | undefined {
  return viewer.kind === 'API_KEY' ? viewer.displayName : undefined;
}

/**
 * Sets (or clears, with undefined) the integration's id of the customer, in the caller's unit of
 * work; answers whether it changed. A value another customer holds from the same integration fails
 * the flush on customer_external_id_integration_unique (CONFLICT DUPLICATE_EXTERNAL_ID).
 */
export async function setIntegrationExternalId(
  em: EntityManager,
  customer: Customer,
  integration: string,
  value: string | undefined,
): Promise<boolean> {
  const current = await em.find(CustomerExternalId, { customer: customer.id, integration });
  if (value !== undefined && current.length === 1 && current[0].externalId === value) return false;
  if (value === undefined && current.length === 0) return false;
  for (const row of current) em.remove(row);
  // The old value's row goes first: a flush orders inserts before deletes.
  if (current.length > 0) await em.flush();
  if (value !== undefined)
    em.create(CustomerExternalId, {
      organization: customer.organization.id,
      customer: customer.id,
      integration,
      externalId: value,
    });
  return true;
}

/**
 * The condition of `customers(filter: { externalId })` over `customer c`: for an integration its own
 * id, else (an id it wrote before ids were kept per integration) the organization's own; for anyone
 * else the organization's own.
 */
export function externalIdWhere(viewer: Viewer, externalId: string): { sql: string; values: unknown[] } {
  const integration = integrationOf(viewer);
  if (!integration) return { sql: 'c.external_id = ?', values: [externalId] };
  const own = `select x.customer_id from customer_external_id x
    where x.organization_id = ? and x.integration = ? and x.external_id = ?`;
  return {
    sql: `(c.id in (${own}) or (c.external_id = ? and not exists (${own})))`,
    values: [
      viewer.organizationId,
      integration,
      externalId,
      externalId,
      viewer.organizationId,
      integration,
      externalId,
    ],
  };
}

/**
 * `Customer.externalId` as an integration reads it: its own id of each customer, batched per request
 * (one statement per page of customers), else the organization's own.
 */
export class CustomerExternalIdService {
  private readonly own: DataLoader<string, string | undefined> | undefined;

  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {
    const integration = integrationOf(viewer);
    this.own = integration
      ? new DataLoader(async (customerIds: readonly string[]) => {
          const rows = await this.em.find(
            CustomerExternalId,
            { customer: { $in: [...customerIds] }, integration },
            { orderBy: { createdAt: 'asc', id: 'asc' } },
          );
          const byCustomer = new Map<string, string>();
          for (const row of rows)
            if (!byCustomer.has(row.customer.id)) byCustomer.set(row.customer.id, row.externalId);
          return customerIds.map((id) => byCustomer.get(id));
        })
      : undefined;
  }

  /** Synchronous for staff (the column they read); one batched read for an integration. */
  externalIdOf(
    customer: Pick<Customer, 'id' | 'externalId'>,
  ): string | undefined | Promise<string | undefined> {
    if (!this.own) return customer.externalId ?? undefined;
    return this.own.load(customer.id).then((own) => own ?? customer.externalId ?? undefined);
  }
}
