import { Role } from '../entities/enums';
import { grant } from './grant';
import { fieldsOf, type PolicyMap } from './policy-map';

const { OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, MARKETING, INTEGRATION } = Role;

/**
 * Communications and care. Therapists never see communications, POS integrations neither (PRODUCT
 * roles table); consultants work their own tasks and the logs of their assigned customers.
 */
const careWorkers = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK);
const careWriters = grant.writers(OWNER, MANAGER, CONSULTANT, FRONT_DESK);
const taskOverview = grant.roles(OWNER, MANAGER, FRONT_DESK);
const managers = grant.writers(OWNER, MANAGER);
/** Complaint headlines and deadlines are for everyone who takes complaints; the content for managers. */
const complaintDetail = grant.roles(OWNER, MANAGER);
/** Consent and contact preferences: who contacts customers, marketing, and a POS or mini program. */
const consentReaders = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION);
const consentWriters = grant.writers(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION);
/** Whether health data may be written: everyone who might write or collect it, not marketing. */
const healthConsentReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION);

const CONNECTION = ['edges', 'pageInfo', 'totalCount'];
const EDGE = ['cursor', 'node'];

export const carePolicy: PolicyMap = {
  Query: {
    careTasks: taskOverview,
    myCareTasks: careWorkers,
    myFollowUps: careWorkers,
    followUps: taskOverview,
    complaints: careWorkers,
    complaint: careWorkers,
  },
  Mutation: {
    completeCareTask: careWriters,
    cancelCareTask: careWriters,
    runCareSchedule: managers,
    recordCommunication: careWriters,
    updateCommunication: careWriters,
    fileComplaint: careWriters,
    respondToComplaint: managers,
    resolveComplaint: managers,
    updateComplaint: managers,
    setContactConsent: consentWriters,
    updateContactPreferences: consentWriters,
    updateCareSettings: grant.writers(OWNER),
    // The separate PIPL consent (and a guardian's) is taken by staff in person, not by a POS key.
    giveHealthConsent: grant.writers(OWNER, MANAGER, CONSULTANT, FRONT_DESK),
    withdrawHealthConsent: grant.writers(OWNER, MANAGER, CONSULTANT, FRONT_DESK),
  },
  CareTask: fieldsOf(
    [
      'id',
      'kind',
      'purpose',
      'reason',
      'suggestedChannel',
      'customer',
      'store',
      'owner',
      'availableFrom',
      'dueAt',
      'status',
      'visitId',
      'complaintId',
      'accountId',
      'completedAt',
      'outcome',
      'version',
    ],
    careWorkers,
  ),
  CareTaskConnection: fieldsOf(CONNECTION, careWorkers),
  CareTaskEdge: fieldsOf(EDGE, careWorkers),
  CareScheduleRun: fieldsOf(['created', 'total'], managers),
  CareTaskCount: fieldsOf(['kind', 'created'], managers),
  Communication: fieldsOf(
    [
      'id',
      'occurredAt',
      'channel',
      'summary',
      'followUpItems',
      'owner',
      'dueAt',
      'status',
      'customer',
      'store',
      'careTaskId',
      'recordedBy',
      'version',
    ],
    careWorkers,
  ),
  CommunicationConnection: fieldsOf(CONNECTION, careWorkers),
  CommunicationEdge: fieldsOf(EDGE, careWorkers),
  Complaint: {
    ...fieldsOf(
      [
        'id',
        'customer',
        'store',
        'receivedAt',
        'channel',
        'subject',
        'owner',
        'status',
        'respondBy',
        'resolveBy',
        'respondedAt',
        'resolvedAt',
        'responseBreached',
        'resolutionBreached',
        'version',
      ],
      careWorkers,
    ),
    ...fieldsOf(
      ['description', 'visitId', 'therapist', 'handlingPlan', 'result', 'satisfactionAfter'],
      complaintDetail,
    ),
  },
  ComplaintConnection: fieldsOf(CONNECTION, careWorkers),
  ComplaintEdge: fieldsOf(EDGE, careWorkers),
  Customer: {
    communications: grant.customer([OWNER, MANAGER, FRONT_DESK], [CONSULTANT]),
    contactConsents: consentReaders,
    doNotContact: consentReaders,
    preferredChannel: consentReaders,
    marketingCap: consentReaders,
    healthConsent: healthConsentReaders,
  },
  HealthConsent: fieldsOf(['status', 'givenAt', 'source', 'guardian', 'withdrawnAt'], healthConsentReaders),
  ContactConsent: fieldsOf(['channel', 'granted', 'source', 'recordedAt'], consentReaders),
  MarketingCap: fieldsOf(['count', 'days'], consentReaders),
  Organization: { careSettings: grant.roles(OWNER, MANAGER, MARKETING) },
  CareSettings: fieldsOf(
    [
      'visitFollowUpAfterHours',
      'visitFollowUpWithinHours',
      'greetingLeadDays',
      'wakeUpAfterDays',
      'cardExpiryReminderDays',
      'lowBalanceThresholdMinorUnits',
      'marketingCap',
      'holidays',
    ],
    grant.roles(OWNER, MANAGER, MARKETING),
  ),
  CareHoliday: fieldsOf(['date', 'name'], grant.roles(OWNER, MANAGER, MARKETING)),
};
