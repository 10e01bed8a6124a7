import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { HealthAccessSection, HealthSection } from '../../core/health-access';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION } = Role;

/** Visit lists: the desk, managers, consultants, the POS; therapists their own (the service scopes). */
const readers = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION);
/** Integrations never see staff data (PRODUCT.md). */
const staffReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK);
/** Therapists see nothing of money (PRODUCT.md). */
const moneyReaders = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION);

const fields = (names: string[], fieldGrant = readers) => fieldsOf(names, fieldGrant);

export const visitPolicy: PolicyMap = {
  Query: { visit: readers, visits: readers, myVisits: grant.roles(THERAPIST) },
  Mutation: { recordVisit: grant.writers(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION) },
  Customer: { visits: readers },
  Visit: {
    ...fields([
      'id',
      'visitedAt',
      'store',
      'customer',
      'appointmentId',
      'lines',
      'effect',
      'satisfaction',
      'feedback',
      'suggestions',
      'nextVisitIntent',
      'nextVisitOn',
      'version',
      'createdAt',
    ]),
    // 身体状况备注: free-text health notes, readable like the health profile (either section).
    // Free-text health notes: under an access grant, the NOTES part only.
    conditionNotes: grant.healthWith(
      [HealthSection.SAFETY, HealthSection.CLINICAL],
      [HealthAccessSection.NOTES],
    ),
    recordedBy: staffReaders,
  },
  VisitLine: {
    ...fields(['id', 'position', 'service', 'durationMinutes', 'bodyArea', 'products']),
    therapist: staffReaders,
    listPrice: moneyReaders,
  },
  VisitProductUse: fields(['id', 'productId', 'productName', 'unit', 'quantity']),
  VisitConnection: fields(['edges', 'pageInfo', 'totalCount']),
  VisitEdge: fields(['cursor', 'node']),
};
