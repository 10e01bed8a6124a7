import 'reflect-metadata';
import '../schema/enums.type';
import { isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchema } from 'type-graphql';
import { createPermissions, policies } from '../policies';
import { fieldsAlwaysAllowedFor, fieldsThatCannotDeny } from '../policies/unshielded-fields';
import { AccountResolver } from '../resolvers/membership/account.resolver';
import {
  AppointmentFieldsResolver,
  AppointmentItemFieldsResolver,
  CustomerAppointmentsResolver,
} from '../resolvers/booking/appointment-fields.resolver';
import { AppointmentResolver } from '../resolvers/booking/appointment.resolver';
import { AvailabilityResolver } from '../resolvers/booking/availability.resolver';
import { CatalogueResolver } from '../resolvers/catalogue/catalogue.resolver';
import { AuditEventResolver } from '../resolvers/audit/audit-event.resolver';
import { AuthResolver } from '../resolvers/access/auth.resolver';
import { CustomerFieldsResolver } from '../resolvers/customers/customer-fields.resolver';
import { CustomerResolver } from '../resolvers/customers/customer.resolver';
import {
  CustomerMergedIntoResolver,
  CustomerMergeResolver,
} from '../resolvers/customers/customer-merge.resolver';
import { DuplicateCustomersResolver } from '../resolvers/customers/duplicate.resolver';
import { CustomerExternalIdResolver } from '../resolvers/customers/customer-external-id.resolver';
import { CustomerErasureResolver } from '../resolvers/customers/customer-erasure.resolver';
import { HealthProfileFieldsResolver } from '../resolvers/health/health-profile-fields.resolver';
import { HealthResolver } from '../resolvers/health/health.resolver';
import {
  HealthAccessResolver,
  ViewerHealthGrantsResolver,
} from '../resolvers/health-access/health-access.resolver';
import {
  CustomerVisitsResolver,
  VisitFieldsResolver,
  VisitLineFieldsResolver,
  VisitProductUseFieldsResolver,
} from '../resolvers/visits/visit-fields.resolver';
import { VisitResolver } from '../resolvers/visits/visit.resolver';
import {
  AccountFieldsResolver,
  CustomerAccountsResolver,
  LedgerEntryFieldsResolver,
} from '../resolvers/membership/account-fields.resolver';
import { CardProductResolver } from '../resolvers/membership/card-product.resolver';
import { MembershipResolver } from '../resolvers/membership/membership.resolver';
import {
  CustomerTierResolver,
  MembershipTierResolver,
  TierChangeFieldsResolver,
} from '../resolvers/membership/membership-tier.resolver';
import { CheckoutResolver, SettlementFieldsResolver } from '../resolvers/membership/checkout.resolver';
import { ContraindicationTagResolver } from '../resolvers/catalogue/contraindication-tag.resolver';
import { ProductResolver } from '../resolvers/catalogue/product.resolver';
import { RoomResolver } from '../resolvers/catalogue/room.resolver';
import { ServiceItemResolver } from '../resolvers/catalogue/service-item.resolver';
import {
  ScheduleExceptionFieldsResolver,
  StaffProfileResolver,
  WorkingHoursFieldsResolver,
} from '../resolvers/staff/staff-profile.resolver';
import { StaffScheduleResolver } from '../resolvers/staff/staff-schedule.resolver';
import { StockMovementFieldsResolver, StockResolver } from '../resolvers/catalogue/stock.resolver';
import { ViewerResolver } from '../resolvers/access/viewer.resolver';
import { CareTaskResolver } from '../resolvers/care/care-task.resolver';
import {
  CommunicationResolver,
  CustomerCommunicationsResolver,
} from '../resolvers/care/communication.resolver';
import { ComplaintResolver } from '../resolvers/care/complaint.resolver';
import { CustomerContactResolver } from '../resolvers/customers/contact-preference.resolver';
import { HealthConsentResolver } from '../resolvers/health/health-consent.resolver';
import { CareSettingsResolver } from '../resolvers/care/care-settings.resolver';
import { RuleTagResolver, SegmentResolver } from '../resolvers/segments/segment.resolver';
import { CustomerReportResolver } from '../resolvers/reports/customer-report.resolver';
import { RevenueReportResolver } from '../resolvers/reports/revenue-report.resolver';
import { RfmReportResolver } from '../resolvers/reports/rfm-report.resolver';
import { StaffReportResolver } from '../resolvers/reports/staff-report.resolver';
import { CustomerImportResolver } from '../resolvers/imports/customer-import.resolver';
import { CustomReportResolver } from '../resolvers/reports/custom-report.resolver';
import { StatusTransitionsResolver } from '../resolvers/reports/status-transitions.resolver';
import { ProductRankingResolver } from '../resolvers/reports/product-ranking.resolver';
import { auditMiddleware } from './audit.middleware';
import { nullArgumentsMiddleware } from './null-arguments.middleware';

export const resolvers = [
  AuthResolver,
  ViewerResolver,
  AccountResolver,
  AuditEventResolver,
  CustomerResolver,
  CustomerFieldsResolver,
  CustomerMergeResolver,
  CustomerMergedIntoResolver,
  DuplicateCustomersResolver,
  CustomerExternalIdResolver,
  CustomerErasureResolver,
  HealthResolver,
  HealthProfileFieldsResolver,
  HealthAccessResolver,
  ViewerHealthGrantsResolver,
  CatalogueResolver,
  ServiceItemResolver,
  ContraindicationTagResolver,
  RoomResolver,
  ProductResolver,
  StockResolver,
  StockMovementFieldsResolver,
  StaffProfileResolver,
  WorkingHoursFieldsResolver,
  ScheduleExceptionFieldsResolver,
  StaffScheduleResolver,
  CardProductResolver,
  MembershipResolver,
  AccountFieldsResolver,
  LedgerEntryFieldsResolver,
  CustomerAccountsResolver,
  MembershipTierResolver,
  CheckoutResolver,
  TierChangeFieldsResolver,
  SettlementFieldsResolver,
  CustomerTierResolver,
  AppointmentResolver,
  AppointmentFieldsResolver,
  AppointmentItemFieldsResolver,
  CustomerAppointmentsResolver,
  AvailabilityResolver,
  VisitResolver,
  VisitFieldsResolver,
  VisitLineFieldsResolver,
  VisitProductUseFieldsResolver,
  CustomerVisitsResolver,
  CareTaskResolver,
  CommunicationResolver,
  CustomerCommunicationsResolver,
  ComplaintResolver,
  CustomerContactResolver,
  HealthConsentResolver,
  CareSettingsResolver,
  SegmentResolver,
  RuleTagResolver,
  CustomerReportResolver,
  RevenueReportResolver,
  RfmReportResolver,
  StaffReportResolver,
  CustomerImportResolver,
  CustomReportResolver,
  StatusTransitionsResolver,
  ProductRankingResolver,
] as const;

/** The schema as type-graphql builds it, before policies: the contract printed to schema.graphql. */
export function buildContractSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
  });
}

/**
 * The executable schema: shield outermost (deny by default), then the health-read audit and the
 * dropping of null filters (server/null-arguments.middleware.ts). Fields whose
 * rule cannot deny anyone able to hold their parent (policies/unshielded-fields.ts) keep the audited
 * resolver without the shield's per-field promise; every other field, and every field without a
 * grant, goes through the shield. A field whose grant always lets some roles through (Grant.alwaysFor)
 * is resolved directly for those roles and through the shield for everyone else. Root fields are
 * always shielded.
 */
export async function buildExecutableSchema(options: { debug: boolean }): Promise<GraphQLSchema> {
  const contract = await buildContractSchema();
  const audited = applyMiddleware(applyMiddleware(contract, auditMiddleware), nullArgumentsMiddleware);
  const shielded = applyMiddleware(audited, createPermissions(options));
  const unshielded = new Set<string>();
  for (const { typeName, fieldName } of fieldsThatCannotDeny(contract, policies)) {
    const field = objectType(shielded, typeName).getFields()[fieldName];
    field.resolve = objectType(audited, typeName).getFields()[fieldName].resolve;
    unshielded.add(`${typeName}.${fieldName}`);
  }
  for (const { typeName, fieldName, roles } of fieldsAlwaysAllowedFor(contract, policies)) {
    if (unshielded.has(`${typeName}.${fieldName}`)) continue;
    const field = objectType(shielded, typeName).getFields()[fieldName];
    const throughShield = field.resolve!;
    const direct = objectType(audited, typeName).getFields()[fieldName].resolve!;
    const allowed = new Set<string>(roles);
    // The viewer's role decides the path: a role whose grant lets it through whatever the parent gets
    // the resolver (audit included) at once, every other caller the shield.
    field.resolve = (parent, args, context: { viewer?: { role: string } | null }, info) =>
      (context.viewer && allowed.has(context.viewer.role) ? direct : throughShield)(
        parent,
        args,
        context,
        info,
      );
  }
  return shielded;
}

function objectType(schema: GraphQLSchema, name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return type;
}
