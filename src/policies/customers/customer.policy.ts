import { ContactChannel } from '../../entities/customers/customers.enums';
import { Role } from '../../entities/access/access.enums';
import { CUSTOMER_READERS, grant, STAFF_ROLES } from '../grant';
import type { PolicyMap } from '../policy-map';

const { OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, MARKETING, INTEGRATION } = Role;

const readers = grant.roles(...CUSTOMER_READERS);
const staffReaders = grant.roles(...STAFF_ROLES.filter((role) => role !== Role.AUDITOR));
const contact = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION);
const profile = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION);
const acquisition = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING);
const service = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK);
const money = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING);
const writers = grant.writers(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION);

export const customerPolicy: PolicyMap = {
  Query: {
    customer: readers,
    customers: readers,
  },
  Mutation: {
    createCustomer: writers,
    updateCustomer: writers,
    archiveCustomer: grant.roles(OWNER, MANAGER),
    restoreCustomer: grant.roles(OWNER, MANAGER),
    setCustomerTags: grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING),
    assignCustomerStaff: grant.roles(OWNER, MANAGER),
  },
  Customer: {
    id: readers,
    code: readers,
    name: readers,
    namePinyin: readers,
    gender: readers,
    status: readers,
    statusOverride: readers,
    tags: grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, MARKETING, INTEGRATION),
    visitCount: readers,
    lastVisitAt: readers,
    archivedAt: readers,
    version: readers,
    createdAt: readers,
    updatedAt: readers,
    homeStore: readers,
    birthday: profile,
    age: profile,
    importantDates: profile,
    occupation: profile,
    // Marketing reaches only customers who consented on the channel, never those on 勿扰.
    phone: grant.consentedContact(
      [OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION],
      [MARKETING],
      [ContactChannel.PHONE, ContactChannel.SMS],
    ),
    email: grant.consentedContact(
      [OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION],
      [MARKETING],
      [ContactChannel.EMAIL],
    ),
    address: contact,
    externalId: grant.roles(OWNER, MANAGER, FRONT_DESK, INTEGRATION),
    source: acquisition,
    sourceNote: acquisition,
    referrer: acquisition,
    preferences: service,
    photoUrl: service,
    assignedConsultant: staffReaders,
    assignedTherapist: staffReaders,
    lifetimeSpend: money,
    averageTicket: money,
    notes: grant.customer([OWNER, MANAGER], [CONSULTANT]),
    // The safety flag is for those who serve or receive the customer; marketing sees no health data.
    hasHealthAlerts: grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK),
    healthProfile: grant.healthProfile(),
  },
  CustomerConnection: { edges: readers, pageInfo: readers, totalCount: readers },
  CustomerEdge: { cursor: readers, node: readers },
  CustomerPreferences: Object.fromEntries(
    [
      'serviceTypes',
      'productBrands',
      'scents',
      'noScent',
      'pressure',
      'music',
      'lighting',
      'roomTemperature',
      'dietaryRestrictions',
      'other',
    ].map((field) => [field, service]),
  ),
  ImportantDate: { kind: profile, label: profile, date: profile },
  Tag: { id: readers, name: readers, color: readers, ruleBased: readers },
  Money: {
    amount: grant.authenticated(),
    minorUnits: grant.authenticated(),
    currency: grant.authenticated(),
  },
  PageInfo: {
    hasNextPage: grant.authenticated(),
    hasPreviousPage: grant.authenticated(),
    startCursor: grant.authenticated(),
    endCursor: grant.authenticated(),
  },
};
