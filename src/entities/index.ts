export { Organization } from './organization/organization.entity';
export { Store } from './organization/store.entity';
export { User } from './staff/user.entity';
export { ApiKey } from './access/api-key.entity';
export { Customer } from './customers/customer.entity';
export { Tag } from './customers/tag.entity';
export { CustomerTag } from './customers/customer-tag.entity';
export { HealthProfile } from './health/health-profile.entity';
export { Allergy } from './health/allergy.entity';
export { MedicalCondition } from './health/medical-condition.entity';
export { SpecialCondition } from './health/special-condition.entity';
export { AuditEvent } from './audit/audit-event.entity';
export { ContraindicationTag } from './catalogue/contraindication-tag.entity';
export { ServiceItem } from './catalogue/service-item.entity';
export { ServiceItemContraindication } from './catalogue/service-item-contraindication.entity';
export { Product } from './catalogue/product.entity';
export { ProductStock } from './catalogue/product-stock.entity';
export { StockMovement } from './catalogue/stock-movement.entity';
export { Room } from './catalogue/room.entity';
export { StaffProfile } from './staff/staff-profile.entity';
export { WorkingHours } from './staff/working-hours.entity';
export { ScheduleException } from './staff/schedule-exception.entity';
export { Appointment } from './booking/appointment.entity';
export { AppointmentItem } from './booking/appointment-item.entity';
export { Visit } from './visits/visit.entity';
export { VisitLine } from './visits/visit-line.entity';
export { VisitProductUse } from './visits/visit-product-use.entity';
export { CardProduct } from './membership/card-product.entity';
export { Account } from './membership/account.entity';
export { LedgerEntry } from './membership/ledger-entry.entity';
export { IdempotencyRecord } from './membership/idempotency-record.entity';
export { MembershipTier } from './membership/membership-tier.entity';
export { TierChange } from './membership/tier-change.entity';
export { Settlement } from './membership/settlement.entity';
export { Communication } from './care/communication.entity';
export { CareTask } from './care/care-task.entity';
export { Complaint } from './care/complaint.entity';
export { ContactConsent } from './customers/contact-consent.entity';
export { Segment } from './segments/segment.entity';
export { SavedReport } from './reports/saved-report.entity';
export { CustomerImport } from './imports/customer-import.entity';
export { CustomerImportRow } from './imports/customer-import-row.entity';
export { CustomerImportChunk } from './imports/customer-import-chunk.entity';
export { CustomerExternalId } from './customers/customer-external-id.entity';
export { HealthAccessRequest } from './health-access/health-access-request.entity';
export { DataKey } from './organization/data-key.entity';

import { Organization } from './organization/organization.entity';
import { Store } from './organization/store.entity';
import { User } from './staff/user.entity';
import { ApiKey } from './access/api-key.entity';
import { Customer } from './customers/customer.entity';
import { Tag } from './customers/tag.entity';
import { CustomerTag } from './customers/customer-tag.entity';
import { HealthProfile } from './health/health-profile.entity';
import { Allergy } from './health/allergy.entity';
import { MedicalCondition } from './health/medical-condition.entity';
import { SpecialCondition } from './health/special-condition.entity';
import { AuditEvent } from './audit/audit-event.entity';
import { ContraindicationTag } from './catalogue/contraindication-tag.entity';
import { ServiceItem } from './catalogue/service-item.entity';
import { ServiceItemContraindication } from './catalogue/service-item-contraindication.entity';
import { Product } from './catalogue/product.entity';
import { ProductStock } from './catalogue/product-stock.entity';
import { StockMovement } from './catalogue/stock-movement.entity';
import { Room } from './catalogue/room.entity';
import { StaffProfile } from './staff/staff-profile.entity';
import { WorkingHours } from './staff/working-hours.entity';
import { ScheduleException } from './staff/schedule-exception.entity';
import { Appointment } from './booking/appointment.entity';
import { AppointmentItem } from './booking/appointment-item.entity';
import { Visit } from './visits/visit.entity';
import { VisitLine } from './visits/visit-line.entity';
import { VisitProductUse } from './visits/visit-product-use.entity';
import { CardProduct } from './membership/card-product.entity';
import { Account } from './membership/account.entity';
import { LedgerEntry } from './membership/ledger-entry.entity';
import { IdempotencyRecord } from './membership/idempotency-record.entity';
import { MembershipTier } from './membership/membership-tier.entity';
import { TierChange } from './membership/tier-change.entity';
import { Settlement } from './membership/settlement.entity';
import { Communication } from './care/communication.entity';
import { CareTask } from './care/care-task.entity';
import { Complaint } from './care/complaint.entity';
import { ContactConsent } from './customers/contact-consent.entity';
import { Segment } from './segments/segment.entity';
import { SavedReport } from './reports/saved-report.entity';
import { CustomerImport } from './imports/customer-import.entity';
import { CustomerImportRow } from './imports/customer-import-row.entity';
import { CustomerImportChunk } from './imports/customer-import-chunk.entity';
import { CustomerExternalId } from './customers/customer-external-id.entity';
import { HealthAccessRequest } from './health-access/health-access-request.entity';
import { DataKey } from './organization/data-key.entity';
import { OrganizationScoped } from './base.entity';
import { HealthRecord } from './health/health-record.entity';

export const entities = [
  OrganizationScoped,
  HealthRecord,
  Organization,
  Store,
  User,
  ApiKey,
  Customer,
  Tag,
  CustomerTag,
  HealthProfile,
  Allergy,
  MedicalCondition,
  SpecialCondition,
  AuditEvent,
  ContraindicationTag,
  ServiceItem,
  ServiceItemContraindication,
  Product,
  ProductStock,
  StockMovement,
  Room,
  StaffProfile,
  WorkingHours,
  ScheduleException,
  Appointment,
  AppointmentItem,
  Visit,
  VisitLine,
  VisitProductUse,
  CardProduct,
  Account,
  LedgerEntry,
  IdempotencyRecord,
  MembershipTier,
  TierChange,
  Settlement,
  Communication,
  CareTask,
  Complaint,
  ContactConsent,
  Segment,
  SavedReport,
  CustomerImport,
  CustomerImportRow,
  CustomerImportChunk,
  CustomerExternalId,
  HealthAccessRequest,
  DataKey,
];
