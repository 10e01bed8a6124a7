import DataLoader from 'dataloader';
import { wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  Account,
  Allergy,
  ContactConsent,
  Customer,
  MedicalCondition,
  MembershipTier,
  Organization,
  SpecialCondition,
  TierChange,
} from '../../entities';
import { AppointmentItem, Room, ServiceItem, User, VisitLine } from '../../entities';
import type { Appointment, Communication, Visit } from '../../entities';
import type { RowOf } from '../rows';
import type { DirectoryCache } from './directory-cache';
import { HealthProfileLoader } from './health-profile-loader';
import { ChildPageLoader } from './child-page-loader';
import { createRowLoaders, RecordingLoader, type RowLoaders } from './row-loaders';
import { uuidArray } from '../../core/uuid';
import { customersServedToday } from './serving';
import { countChildren, type ChildPageKey } from './child-pages';
import {
  ACCOUNT_ORDER,
  APPOINTMENT_ITEM_ORDER,
  customerAppointments,
  customerCommunications,
  customerVisits,
  TIER_HISTORY_LIMIT,
  VISIT_LINE_ORDER,
} from '../customers/customer-lists';
import type { Viewer } from '../../core/viewer';
import type { SelectionByType } from './selection';
import { ORGANIZATION_PARAMETER, runPrepared } from '../sql';
import { keyRing } from '../../core/crypto/key-ring';

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
  /** Plain rows by id, by parent and by many-to-many collection (services/read/row-loaders.ts). */
  rows: RowLoaders;
  /** The caller's organization (time zone, status thresholds), loaded at most once per request. */
  organization: () => Promise<RowOf<Organization>>;
  /** The organization once `organization()` has answered in this request, without a promise. */
  organizationNow: () => RowOf<Organization> | undefined;
  /** The organization's membership tiers (a handful) by id, read once per request. */
  tiers: () => Promise<Map<string, RowOf<MembershipTier>>>;
  hasHealthAlerts: RecordingLoader<string, boolean>;
  /** `Customer.healthProfile`, with the records the response selects (services/read/health-profile-loader.ts). */
  healthProfiles: HealthProfileLoader;
  customerAssignment: DataLoader<string, CustomerAssignment | null>;
  allergies: RecordingLoader<string, RowOf<Allergy>[]>;
  medicalConditions: RecordingLoader<string, RowOf<MedicalCondition>[]>;
  specialConditions: RecordingLoader<string, RowOf<SpecialCondition>[]>;
  /** `Customer.visits` pages, batched over the customers of a page. */
  /** With their lines (service, therapist) in the same statement when selected. */
  customerVisits: ChildPageLoader<RowOf<Visit>>;
  customerCommunications: ChildPageLoader<RowOf<Communication>>;
  communicationCounts: DataLoader<string, number>;
  contactConsents: DataLoader<string, RowOf<ContactConsent>[]>;
  visitCounts: DataLoader<string, number>;
  /** `Customer.appointments` pages, batched likewise. */
  /** With their items (service, therapist, room) in the same statement when selected. */
  customerAppointments: ChildPageLoader<RowOf<Appointment>>;
  appointmentCounts: DataLoader<string, number>;
  /** Visit.conditionNotes is a lazy column: read for many visits in one query. */
  visitConditionNotes: DataLoader<string, string | null>;
  /** `Customer.accounts`, for a page of customers in one query. */
  customerAccounts: DataLoader<string, RowOf<Account>[]>;
  /** `Customer.tierHistory`: the latest tier moves of a page of customers in one query. */
  tierHistory: DataLoader<string, RowOf<TierChange>[]>;
}

export function createLoaders(
  em: EntityManager,
  viewer: Viewer | null,
  directory: DirectoryCache,
  /** The query's fields by type once the operation is known: what its reads fetch. */
  selection: () => SelectionByType | undefined = () => undefined,
): Loaders {
  let tiers: Promise<Map<string, RowOf<MembershipTier>>> | undefined;
  let organization: Promise<RowOf<Organization>> | undefined;
  let organizationNow: RowOf<Organization> | undefined;
  // Staff named on rows (therapists, owners) come from the process's directory cache.
  const rows = createRowLoaders(
    em,
    viewer,
    { [User.name]: (ids) => directory.staffMembers(em, ids) },
    selection,
  );
  const byCustomer = <T>(entity: new () => T) =>
    rows.byParent(entity, 'customer', 't.recorded_at asc, t.id asc');
  const allergies = byCustomer(Allergy);
  const medicalConditions = byCustomer(MedicalCondition);
  const specialConditions = byCustomer(SpecialCondition);
  const visitCounts = new DataLoader((ids: readonly string[]) =>
    countChildren(em, viewer, customerVisits, ids),
  );
  const appointmentCounts = new DataLoader((ids: readonly string[]) =>
    countChildren(em, viewer, customerAppointments, ids),
  );
  const communicationCounts = new DataLoader((ids: readonly string[]) =>
    countChildren(em, viewer, customerCommunications, ids),
  );
  const loaders: Loaders = {
    rows,
    healthProfiles: new HealthProfileLoader(
      em,
      viewer,
      { allergies, medicalHistory: medicalConditions, specialConditions },
      selection,
    ),
    organization: () => {
      if (!viewer) return Promise.reject(new Error('No organization without a viewer'));
      const organizationId = viewer.organizationId;
      return (organization ??= directory.organization(em, organizationId).then((row) => {
        if (!row) throw new Error(`Organization ${organizationId} is missing`);
        organizationNow = row;
        return row;
      }));
    },
    organizationNow: () => organizationNow,
    tiers: () => (tiers ??= loadTiers(em, viewer, directory)),
    hasHealthAlerts: new RecordingLoader((ids) => loadHealthAlerts(em, viewer, ids)),
    customerAssignment: new DataLoader((ids) => loadAssignments(em, viewer, rows, ids)),
    allergies,
    medicalConditions,
    specialConditions,
    customerVisits: new ChildPageLoader(
      em,
      viewer,
      rows,
      customerVisits,
      {
        field: 'lines',
        entity: VisitLine,
        parentProperty: 'visit',
        order: VISIT_LINE_ORDER,
        references: [
          { property: 'service', entity: ServiceItem },
          { property: 'therapist', entity: User },
        ],
      },
      (id) => loaders.visitCounts.load(id),
      pageKey,
      visitCounts,
      selection,
    ),
    visitCounts,
    customerCommunications: new ChildPageLoader(
      em,
      viewer,
      rows,
      customerCommunications,
      undefined,
      (id) => loaders.communicationCounts.load(id),
      pageKey,
      communicationCounts,
    ),
    communicationCounts,
    contactConsents: byCustomer(ContactConsent),
    customerAppointments: new ChildPageLoader(
      em,
      viewer,
      rows,
      customerAppointments,
      {
        field: 'items',
        entity: AppointmentItem,
        parentProperty: 'appointment',
        order: APPOINTMENT_ITEM_ORDER,
        references: [
          { property: 'service', entity: ServiceItem },
          { property: 'therapist', entity: User },
          { property: 'room', entity: Room },
        ],
      },
      (id) => loaders.appointmentCounts.load(id),
      pageKey,
      appointmentCounts,
    ),
    appointmentCounts,
    visitConditionNotes: new DataLoader((ids) => loadConditionNotes(em, viewer, ids)),
    customerAccounts: rows.byParent(Account, 'customer', ACCOUNT_ORDER),
    tierHistory: new DataLoader(async (ids) => {
      const changes = await rows
        .byParent(TierChange, 'customer', 't.created_at desc, t.id desc')
        .loadMany(ids);
      return changes.map((list) => (list instanceof Error ? list : list.slice(0, TIER_HISTORY_LIMIT)));
    }),
  };
  return loaders;
}

/**
 * All tiers of the organization at once, from the process's directory cache (a handful, they change
 * rarely; a change notifies): tiers named by customers and by their history cost no statement
 * whatever the data (loading them by id made the statement count depend on the history).
 */
async function loadTiers(
  em: EntityManager,
  viewer: Viewer | null,
  directory: DirectoryCache,
): Promise<Map<string, RowOf<MembershipTier>>> {
  if (!viewer) return new Map();
  const tiers = await directory.tiers(em, viewer.organizationId);
  return new Map(tiers.map((tier) => [tier.id, tier]));
}

const pageKey = (key: ChildPageKey) => JSON.stringify([key.parentId, key.first ?? null, key.after ?? null]);

async function loadConditionNotes(
  em: EntityManager,
  viewer: Viewer | null,
  ids: readonly string[],
): Promise<(string | null)[]> {
  if (!viewer) return ids.map(() => null);
  const rows: { id: string; condition_notes: string | null }[] = await runPrepared(
    em,
    'select id, condition_notes from visit where id = any(?::uuid[]) and organization_id = ?',
    [uuidArray(ids), viewer.organizationId],
  );
  // Sealed at rest (src/entities/encrypted.type.ts): opened from the process's key ring.
  const byId = new Map(
    rows.map((row) => [row.id, row.condition_notes === null ? null : keyRing.open(row.condition_notes)]),
  );
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * A customer has health alerts while an allergy is active and not refuted, or a special condition
 * (pregnancy, post-surgery…) covers today in the organization's time zone. SQL on the customer id
 * column `idColumn`, for this loader and for a list page that fetches the flag with its rows.
 */
export function healthAlertSql(idColumn: string): string {
  return `(exists(select 1 from allergy a
                    where a.customer_id = ${idColumn} and a.organization_id = ${ORGANIZATION_PARAMETER}
                      and a.clinical_status in ('ACTIVE', 'RECURRENCE')
                      and a.verification_status not in ('REFUTED', 'ENTERED_IN_ERROR'))
         or exists(select 1 from special_condition s, organization o
                    where s.customer_id = ${idColumn} and s.organization_id = ${ORGANIZATION_PARAMETER} and o.id = s.organization_id
                      and s.starts_on <= (now() at time zone o.timezone)::date
                      and (s.ends_on is null or s.ends_on >= (now() at time zone o.timezone)::date)))`;
}

async function loadHealthAlerts(
  em: EntityManager,
  viewer: Viewer | null,
  ids: readonly string[],
): Promise<boolean[]> {
  if (!viewer) return ids.map(() => false);
  const rows: { id: string; alert: boolean }[] = await runPrepared(
    em,
    `select c.id, ${healthAlertSql('c.id')} as alert from unnest(?::uuid[]) as c(id)`,
    [viewer.organizationId, viewer.organizationId, uuidArray(ids)],
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
  rows: RowLoaders,
  ids: readonly string[],
): Promise<(CustomerAssignment | null)[]> {
  const unitOfWork = em.getUnitOfWork();
  const known = new Map<string, RowOf<Customer>>();
  for (const id of ids) {
    const customer = unitOfWork.getById<Customer>(Customer.name, id);
    // A reference (e.g. visit.customer) sits in the identity map uninitialized: load those.
    if (customer && wrap(customer).isInitialized()) known.set(id, customer);
  }
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) {
    // Rows a read already fetched (a list page primes them) cost nothing here.
    for (const customer of await rows.byId(Customer).loadMany(missing))
      if (customer && !(customer instanceof Error)) known.set(customer.id, customer);
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
