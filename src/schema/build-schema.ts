import 'reflect-metadata';
import './enums.type';
import { isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchema } from 'type-graphql';
import { createPermissions, policies } from '../policies';
import { fieldsThatCannotDeny } from '../policies/unshielded-fields';
import { AccountResolver } from '../resolvers/account.resolver';
import {
  AppointmentFieldsResolver,
  AppointmentItemFieldsResolver,
  CustomerAppointmentsResolver,
} from '../resolvers/appointment-fields.resolver';
import { AppointmentResolver } from '../resolvers/appointment.resolver';
import { AvailabilityResolver } from '../resolvers/availability.resolver';
import { CatalogueResolver } from '../resolvers/catalogue.resolver';
import { AuditEventResolver } from '../resolvers/audit-event.resolver';
import { AuthResolver } from '../resolvers/auth.resolver';
import { CustomerFieldsResolver } from '../resolvers/customer-fields.resolver';
import { CustomerResolver } from '../resolvers/customer.resolver';
import { HealthProfileFieldsResolver } from '../resolvers/health-profile-fields.resolver';
import { HealthResolver } from '../resolvers/health.resolver';
import {
  CustomerVisitsResolver,
  VisitFieldsResolver,
  VisitLineFieldsResolver,
  VisitProductUseFieldsResolver,
} from '../resolvers/visit-fields.resolver';
import { VisitResolver } from '../resolvers/visit.resolver';
import {
  AccountFieldsResolver,
  CustomerAccountsResolver,
  LedgerEntryFieldsResolver,
} from '../resolvers/account-fields.resolver';
import { CardProductResolver } from '../resolvers/card-product.resolver';
import { MembershipResolver } from '../resolvers/membership.resolver';
import {
  CustomerTierResolver,
  MembershipTierResolver,
  SettlementFieldsResolver,
  TierChangeFieldsResolver,
} from '../resolvers/membership-tier.resolver';
import { ContraindicationTagResolver } from '../resolvers/contraindication-tag.resolver';
import { ProductResolver } from '../resolvers/product.resolver';
import { RoomResolver } from '../resolvers/room.resolver';
import { ServiceItemResolver } from '../resolvers/service-item.resolver';
import {
  ScheduleExceptionFieldsResolver,
  StaffProfileResolver,
  WorkingHoursFieldsResolver,
} from '../resolvers/staff-profile.resolver';
import { StaffScheduleResolver } from '../resolvers/staff-schedule.resolver';
import { StockMovementFieldsResolver, StockResolver } from '../resolvers/stock.resolver';
import { ViewerResolver } from '../resolvers/viewer.resolver';
import { CareTaskResolver } from '../resolvers/care-task.resolver';
import { CommunicationResolver, CustomerCommunicationsResolver } from '../resolvers/communication.resolver';
import { ComplaintResolver } from '../resolvers/complaint.resolver';
import { CareSettingsResolver, CustomerContactResolver } from '../resolvers/contact-preference.resolver';
import { RuleTagResolver, SegmentResolver } from '../resolvers/segment.resolver';
import { auditMiddleware } from '../server/audit.middleware';
import { nullArgumentsMiddleware } from '../server/null-arguments.middleware';

export const resolvers = [
  AuthResolver,
  ViewerResolver,
  AccountResolver,
  AuditEventResolver,
  CustomerResolver,
  CustomerFieldsResolver,
  HealthResolver,
  HealthProfileFieldsResolver,
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
  CareSettingsResolver,
  SegmentResolver,
  RuleTagResolver,
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
 * grant, goes through the shield.
 */
export async function buildExecutableSchema(options: { debug: boolean }): Promise<GraphQLSchema> {
  const contract = await buildContractSchema();
  const audited = applyMiddleware(applyMiddleware(contract, auditMiddleware), nullArgumentsMiddleware);
  const shielded = applyMiddleware(audited, createPermissions(options));
  for (const { typeName, fieldName } of fieldsThatCannotDeny(contract, policies)) {
    const field = objectType(shielded, typeName).getFields()[fieldName];
    field.resolve = objectType(audited, typeName).getFields()[fieldName].resolve;
  }
  return shielded;
}

function objectType(schema: GraphQLSchema, name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return type;
}
