import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { HealthSection } from '../../core/health-access';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION } = Role;

/** Who sees appointments: the desk, managers, consultants, the POS; therapists only their own. */
const readers = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION);
const bookers = grant.writers(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION);
const clinical = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST);

const fields = (names: string[], fieldGrant = readers) => fieldsOf(names, fieldGrant);

export const appointmentPolicy: PolicyMap = {
  Query: {
    appointment: readers,
    appointments: readers,
    myAppointments: grant.roles(THERAPIST),
    availability: readers,
  },
  Mutation: {
    bookAppointment: bookers,
    rescheduleAppointment: bookers,
    confirmAppointment: bookers,
    cancelAppointment: bookers,
    markAppointmentNoShow: bookers,
    // A therapist checks in their own customer (the service checks it is theirs).
    checkInAppointment: grant.writers(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION),
  },
  Appointment: fields([
    'id',
    'status',
    'channel',
    'startsAt',
    'endsAt',
    'store',
    'customer',
    'items',
    'healthReviewRequired',
    'notes',
    'cancelReason',
    'confirmedAt',
    'checkedInAt',
    'completedAt',
    'cancelledAt',
    'noShowAt',
    'version',
    'createdAt',
  ]),
  AppointmentItem: {
    ...fields(['id', 'position', 'service', 'room', 'startsAt', 'endsAt']),
    // Integrations never see staff data (PRODUCT.md).
    therapist: grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK),
  },
  Customer: { appointments: readers },
  AvailableSlot: fields(['startsAt', 'endsAt', 'therapists', 'freeRooms']),
  AppointmentConnection: fields(['edges', 'pageInfo', 'totalCount']),
  AppointmentEdge: fields(['cursor', 'node']),
  AppointmentPayload: fields(['appointment', 'contraindications']),
  ContraindicationCheck: {
    healthReviewRequired: readers,
    blocking: readers,
    // Naming the tag (孕期禁用) already tells the health fact: the customer's SAFETY section decides.
    findings: grant.health(HealthSection.SAFETY),
  },
  ContraindicationFinding: fields(['service', 'tag', 'factKind', 'fact'], clinical),
};
