import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, MARKETING } = Role;

/**
 * 数据分析与报表: the owner and managers read every report; marketing the customer reports (counts,
 * never a customer's revenue), not the money ones. FRONT_DESK, THERAPIST, CONSULTANT, INTEGRATION
 * and AUDITOR read none yet (their own performance and today's summary come later). No report has a
 * health field.
 */
const customerReaders = grant.roles(OWNER, MANAGER, MARKETING);
const moneyReaders = grant.roles(OWNER, MANAGER);

const PERIOD_TYPES: PolicyMap = {
  DateRange: fieldsOf(['from', 'to'], customerReaders),
  ReportPeriod: fieldsOf(['from', 'to', 'grain', 'timeZone', 'previous', 'lastYear'], customerReaders),
  CountPoint: fieldsOf(['from', 'to', 'count'], customerReaders),
  CountRow: fieldsOf(['key', 'label', 'count'], customerReaders),
};

const FIGURES = [
  'cashReceived',
  'cardSales',
  'checkoutPayments',
  'servicesConsumed',
  'settlements',
  'averageTicket',
];

export const reportPolicy: PolicyMap = {
  Query: {
    customerGrowthReport: customerReaders,
    customerCompositionReport: customerReaders,
    customerActivityReport: customerReaders,
    revenueReport: moneyReaders,
    serviceRanking: moneyReaders,
    liabilitiesReport: moneyReaders,
  },
  ...PERIOD_TYPES,
  CountGroup: fieldsOf(['key', 'label', 'total', 'series'], customerReaders),
  CustomerGrowthReport: fieldsOf(
    ['period', 'series', 'total', 'previousTotal', 'lastYearTotal', 'groups'],
    customerReaders,
  ),
  CustomerCompositionReport: fieldsOf(
    ['period', 'total', 'byTier', 'byGender', 'byAgeBand', 'bySource', 'newVisitors', 'returningVisitors'],
    customerReaders,
  ),
  CustomerActivityReport: fieldsOf(['total', 'active', 'dormant', 'lost', 'churnRate'], customerReaders),
  RevenueFigures: fieldsOf(FIGURES, moneyReaders),
  RevenueBucket: fieldsOf(['from', 'to', ...FIGURES], moneyReaders),
  RevenueReport: fieldsOf(['period', 'buckets', 'total', 'previous', 'lastYear'], moneyReaders),
  ServiceRank: fieldsOf(['serviceId', 'name', 'count', 'revenue'], moneyReaders),
  LiabilitiesReport: fieldsOf(
    [
      'storedValuePrincipal',
      'storedValueBonus',
      'unusedPunches',
      'unusedPunchValue',
      'pointsOutstanding',
      'pointsValue',
      'storedValueHolders',
    ],
    moneyReaders,
  ),
};
