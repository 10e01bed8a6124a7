import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING } = Role;

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
    updateCareSettings: grant.writers(OWNER),
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
  },
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
