/**
 * Every enumeration, for schema/enums.type.ts, which registers them all for GraphQL in one place.
 * Code imports an enumeration from its feature: entities/<feature>/<feature>.enums.ts.
 */
export * from './staff/staff.enums';
export * from './access/access.enums';
export * from './customers/customers.enums';
export * from './health/health.enums';
export * from './audit/audit.enums';
export * from './catalogue/catalogue.enums';
export * from './booking/booking.enums';
export * from './visits/visits.enums';
export * from './membership/membership.enums';
export * from './care/care.enums';
export * from './reports/reports.enums';
