import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, MARKETING } = Role;

/**
 * RFM, cohorts and visit frequency: the owner and managers read everything; marketing the segments,
 * the scores and the cohorts (customer aggregates), never what a customer spent (`monetary`). The
 * other roles read none. No field is health data.
 */
const customerReaders = grant.roles(OWNER, MANAGER, MARKETING);
const moneyReaders = grant.roles(OWNER, MANAGER);
/** A fresh snapshot costs a scoring of every settled visit of the year: the owner and managers ask for it. */
const snapshotRequesters = grant.writers(OWNER, MANAGER);

export const rfmReportPolicy: PolicyMap = {
  Query: {
    rfmReport: customerReaders,
    retentionCohorts: customerReaders,
    visitFrequencyReport: customerReaders,
  },
  Mutation: { requestRfmSnapshot: snapshotRequesters },
  RfmReport: fieldsOf(
    [
      'asOf',
      'windowFrom',
      'timeZone',
      'computedAt',
      'customersScored',
      'customersWithoutVisits',
      'segments',
      'customers',
    ],
    customerReaders,
  ),
  RfmCustomerConnection: fieldsOf(['edges', 'pageInfo', 'totalCount'], customerReaders),
  RfmCustomerEdge: fieldsOf(['cursor', 'node'], customerReaders),
  RfmCustomer: {
    ...fieldsOf(
      [
        'id',
        'name',
        'lastVisitOn',
        'recencyDays',
        'frequency',
        'recencyScore',
        'frequencyScore',
        'monetaryScore',
        'segment',
        'segmentLabel',
      ],
      customerReaders,
    ),
    monetary: moneyReaders,
  },
  RetentionCohortsReport: fieldsOf(['from', 'to', 'timeZone', 'cohorts'], customerReaders),
  RetentionCohort: fieldsOf(['month', 'customers', 'retention'], customerReaders),
  RetentionPoint: fieldsOf(['monthsLater', 'month', 'customers', 'share'], customerReaders),
  VisitFrequencyReport: fieldsOf(['period', 'visitors', 'visits', 'bands'], customerReaders),
};
