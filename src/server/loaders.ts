import DataLoader from 'dataloader';
import { wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  Communication,
  ContactConsent,
  Account,
  Allergy,
  Customer,
  MedicalCondition,
  Organization,
  SpecialCondition,
  TierChange,
} from '../entities';
import type { Appointment, Visit } from '../entities';
import type { ConnectionShape } from '../schema/connection.type';
import { customersServedToday } from '../services/serving';
import { countChildren, loadChildPages, type ChildPageKey } from '../services/child-pages';
import { customerAppointments, customerCommunications, customerVisits } from '../services/customer-lists';
import type { Viewer } from './viewer';

export interface CustomerAssignment {
  customerId: string;
  consultantId?: string;
  therapistId?: string;
  /** The viewer (a therapist) has an appointment or visit with the customer today. */
  servedToday: boolean;
  healthConsentWithdrawn: boolean;
}

/**
 * Hand-written loaders for what MikroORM's own relation dataloaders cannot batch: aggregates and
 * flags. Built per request (graphql/dataloader #56), never shared.
 */
export interface Loaders {
  /** The caller's organization (time zone, status thresholds), loaded at most once per request. */
  organization: () => Promise<Organization>;
  hasHealthAlerts: DataLoader<string, boolean>;
  customerAssignment: DataLoader<string, CustomerAssignment | null>;
  allergies: DataLoader<string, Allergy[]>;
  medicalConditions: DataLoader<string, MedicalCondition[]>;
  specialConditions: DataLoader<string, SpecialCondition[]>;
  /** `Customer.visits` pages, batched over the customers of a page. */
  customerVisits: DataLoader<ChildPageKey, ConnectionShape<Visit>, string>;
  customerCommunications: DataLoader<ChildPageKey, ConnectionShape<Communication>, string>;
  communicationCounts: DataLoader<string, number>;
  contactConsents: DataLoader<string, ContactConsent[]>;
  visitCounts: DataLoader<string, number>;
  /** `Customer.appointments` pages, batched likewise. */
  customerAppointments: DataLoader<ChildPageKey, ConnectionShape<Appointment>, string>;
  appointmentCounts: DataLoader<string, number>;
  /** Visit.conditionNotes is a lazy column: read for many visits in one query. */
  visitConditionNotes: DataLoader<string, string | null>;
  /** `Customer.accounts`, for a page of customers in one query. */
  customerAccounts: DataLoader<string, Account[]>;
  /** `Customer.tierHistory`: the latest tier moves of a page of customers in one query. */
  tierHistory: DataLoader<string, TierChange[]>;
}

export function createLoaders(em: EntityManager, viewer: Viewer | null): Loaders {
  let organization: Promise<Organization> | undefined;
  const loaders: Loaders = {
    organization: () => {
      if (!viewer) return Promise.reject(new Error('No organization without a viewer'));
      return (organization ??= em.findOneOrFail(Organization, { id: viewer.organizationId }));
    },
    hasHealthAlerts: new DataLoader((ids) => loadHealthAlerts(em, viewer, ids)),
    customerAssignment: new DataLoader((ids) => loadAssignments(em, viewer, ids)),
    allergies: new DataLoader((ids) => loadByCustomer(em, Allergy, ids)),
    medicalConditions: new DataLoader((ids) => loadByCustomer(em, MedicalCondition, ids)),
    specialConditions: new DataLoader((ids) => loadByCustomer(em, SpecialCondition, ids)),
    customerVisits: new DataLoader(
      (keys) => loadChildPages(em, viewer, customerVisits, keys, (id) => loaders.visitCounts.load(id)),
      { cacheKeyFn: pageKey },
    ),
    visitCounts: new DataLoader((ids) => countChildren(em, viewer, customerVisits, ids)),
    customerCommunications: new DataLoader(
      (keys) =>
        loadChildPages(em, viewer, customerCommunications, keys, (id) =>
          loaders.communicationCounts.load(id),
        ),
      { cacheKeyFn: pageKey },
    ),
    communicationCounts: new DataLoader((ids) => countChildren(em, viewer, customerCommunications, ids)),
    contactConsents: new DataLoader((ids) => loadByCustomer(em, ContactConsent, ids)),
    customerAppointments: new DataLoader(
      (keys) =>
        loadChildPages(em, viewer, customerAppointments, keys, (id) => loaders.appointmentCounts.load(id)),
      { cacheKeyFn: pageKey },
    ),
    appointmentCounts: new DataLoader((ids) => countChildren(em, viewer, customerAppointments, ids)),
    visitConditionNotes: new DataLoader((ids) => loadConditionNotes(em, viewer, ids)),
    customerAccounts: new DataLoader(async (ids) => {
      const accounts = await em.find(
        Account,
        { customer: { $in: [...ids] } },
        { orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] },
      );
      return ids.map((id) => accounts.filter((account) => account.customer.id === id));
    }),
    tierHistory: new DataLoader(async (ids) => {
      const changes = await em.find(
        TierChange,
        { customer: { $in: [...ids] } },
        // The tiers come in the same query: otherwise tiers not already loaded via Customer.tier cost
        // one more statement, depending on the data (a flaky statement count).
        { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], populate: ['fromTier', 'toTier'] },
      );
      return ids.map((id) =>
        changes.filter((change) => change.customer.id === id).slice(0, TIER_HISTORY_LIMIT),
      );
    }),
  };
  return loaders;
}

/** Tier moves are rare (a few a year); the newest this many are shown. */
const TIER_HISTORY_LIMIT = 100;

const pageKey = (key: ChildPageKey) => JSON.stringify([key.parentId, key.first ?? null, key.after ?? null]);

async function loadConditionNotes(
  em: EntityManager,
  viewer: Viewer | null,
  ids: readonly string[],
): Promise<(string | null)[]> {
  if (!viewer) return ids.map(() => null);
  const rows: { id: string; condition_notes: string | null }[] = await em
    .getConnection()
    .execute('select id, condition_notes from visit where id = any(?::uuid[]) and organization_id = ?', [
      `{${ids.join(',')}}`,
      viewer.organizationId,
    ]);
  const byId = new Map(rows.map((row) => [row.id, row.condition_notes]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Health records of many customers in one query, grouped per customer, oldest recorded first. */
async function loadByCustomer<T extends Allergy | MedicalCondition | SpecialCondition | ContactConsent>(
  em: EntityManager,
  entity: new () => T,
  customerIds: readonly string[],
): Promise<T[][]> {
  const rows = (await em.find(
    entity as typeof Allergy,
    { customer: { $in: [...customerIds] } },
    { orderBy: { recordedAt: 'asc', id: 'asc' } },
  )) as unknown as T[];
  const grouped = new Map<string, T[]>(customerIds.map((id) => [id, []]));
  for (const row of rows) grouped.get(row.customer.id)?.push(row);
  return customerIds.map((id) => grouped.get(id) ?? []);
}

/**
 * A customer has health alerts while an allergy is active and not refuted, or a special condition
 * (pregnancy, post-surgery…) covers today in the organization's time zone.
 */
async function loadHealthAlerts(
  em: EntityManager,
  viewer: Viewer | null,
  ids: readonly string[],
): Promise<boolean[]> {
  if (!viewer) return ids.map(() => false);
  const rows: { id: string; alert: boolean }[] = await em.getConnection().execute(
    `select c.id,
            exists(select 1 from allergy a
                    where a.customer_id = c.id and a.organization_id = ?
                      and a.clinical_status in ('ACTIVE', 'RECURRENCE')
                      and a.verification_status not in ('REFUTED', 'ENTERED_IN_ERROR'))
         or exists(select 1 from special_condition s, organization o
                    where s.customer_id = c.id and s.organization_id = ? and o.id = s.organization_id
                      and s.starts_on <= (now() at time zone o.timezone)::date
                      and (s.ends_on is null or s.ends_on >= (now() at time zone o.timezone)::date)) as alert
       from unnest(?::uuid[]) as c(id)`,
    [viewer.organizationId, viewer.organizationId, `{${ids.join(',')}}`],
  );
  const byId = new Map(rows.map((row) => [row.id, row.alert]));
  return ids.map((id) => byId.get(id) ?? false);
}

/**
 * Assignment of customers to staff, from the identity map when the customer is already loaded, and
 * for a therapist whether they serve the customer today (one more statement per batch).
 */
async function loadAssignments(
  em: EntityManager,
  viewer: Viewer | null,
  ids: readonly string[],
): Promise<(CustomerAssignment | null)[]> {
  const unitOfWork = em.getUnitOfWork();
  const known = new Map<string, Customer>();
  for (const id of ids) {
    const customer = unitOfWork.getById<Customer>(Customer.name, id);
    // A reference (e.g. visit.customer) sits in the identity map uninitialized: load those.
    if (customer && wrap(customer).isInitialized()) known.set(id, customer);
  }
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) {
    for (const customer of await em.find(Customer, { id: { $in: missing } }))
      known.set(customer.id, customer);
  }
  const servedToday = await customersServedToday(em, viewer, [...known.keys()]);
  return ids.map((id) => {
    const customer = known.get(id);
    if (!customer) return null;
    return {
      customerId: id,
      consultantId: customer.assignedConsultant?.id,
      therapistId: customer.assignedTherapist?.id,
      servedToday: servedToday.has(id),
      healthConsentWithdrawn: customer.healthConsentWithdrawnAt != null,
    };
  });
}
