import { ALL_ROLES, Role } from '../../entities/access/access.enums';
import { HEALTH_ACCESS, HealthSection } from '../../core/health-access';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, MARKETING } = Role;

/**
 * 自定义报表: the roles of the customer reports run and save them. The service refuses, per
 * definition, what a role may not use (FORBIDDEN): money measures for MARKETING, health dimensions
 * for roles that do not read every customer's clinical data (custom-catalogue.ts), so a money cell
 * exists only in an answer to OWNER or MANAGER and the cell fields need no second rule.
 */
const reportUsers = grant.roles(OWNER, MANAGER, MARKETING);
const reportWriters = grant.writers(OWNER, MANAGER, MARKETING);
/** 产品排行 carries a money value: as serviceRanking, OWNER and MANAGER. */
const moneyReaders = grant.roles(OWNER, MANAGER);
/** Health aggregates: the roles that read every customer's clinical data (OWNER, MANAGER today). */
const clinicalReaders = grant.roles(
  ...ALL_ROLES.filter((role) => HEALTH_ACCESS[role][HealthSection.CLINICAL] === 'ALWAYS'),
);

export const customReportPolicy: PolicyMap = {
  Query: {
    reportCatalogue: reportUsers,
    runCustomReport: reportUsers,
    customReports: reportUsers,
    customReport: reportUsers,
    customerHealthReport: clinicalReaders,
    productRanking: moneyReaders,
  },
  Mutation: fieldsOf(['saveCustomReport', 'updateCustomReport', 'deleteCustomReport'], reportWriters),
  ReportCatalogue: fieldsOf(
    ['measures', 'dimensions', 'maxMeasures', 'maxDimensions', 'maxFilters', 'maxRows', 'minCellCustomers'],
    reportUsers,
  ),
  CatalogueMeasure: fieldsOf(['code', 'label', 'description', 'type', 'dimensions'], reportUsers),
  CatalogueDimension: fieldsOf(
    ['code', 'label', 'description', 'health', 'filterable', 'values'],
    reportUsers,
  ),
  CustomReportResult: fieldsOf(
    ['period', 'columns', 'rows', 'truncated', 'rowLimit', 'healthAggregate', 'suppressedRows'],
    reportUsers,
  ),
  CustomReportColumn: fieldsOf(['key', 'label', 'kind', 'type'], reportUsers),
  CustomReportRow: fieldsOf(['cells', 'suppressed'], reportUsers),
  CustomReportCell: fieldsOf(['key', 'label', 'count', 'money', 'suppressed'], reportUsers),
  CustomReport: fieldsOf(['id', 'name', 'description', 'definition', 'version', 'run'], reportUsers),
  CustomReportDefinition: fieldsOf(['measures', 'dimensions', 'grain', 'filters'], reportUsers),
  CustomReportFilter: fieldsOf(['dimension', 'values'], reportUsers),
  CustomerHealthReport: fieldsOf(
    ['byConstitution', 'byAllergyCategory', 'bySpecialCondition', 'minCellCustomers'],
    clinicalReaders,
  ),
  HealthCountRow: fieldsOf(['key', 'label', 'count', 'suppressed'], clinicalReaders),
  ProductRank: fieldsOf(['productId', 'name', 'unit', 'uses', 'quantity', 'value'], moneyReaders),
  // 状态流转 (status-transitions.ts): counts of customers, read like customerActivityReport.
  CustomerActivityReport: { transitions: reportUsers },
  StatusTransitions: fieldsOf(
    ['period', 'activeToDormant', 'dormantToLost', 'dormantToActive', 'lostToActive'],
    reportUsers,
  ),
};
