export { Organization } from './organization.entity';
export { Store } from './store.entity';
export { User } from './user.entity';
export { ApiKey } from './api-key.entity';
export { Customer } from './customer.entity';
export { Tag } from './tag.entity';
export { CustomerTag } from './customer-tag.entity';
export { HealthProfile } from './health-profile.entity';
export { Allergy } from './allergy.entity';
export { MedicalCondition } from './medical-condition.entity';
export { SpecialCondition } from './special-condition.entity';
export { AuditEvent } from './audit-event.entity';
export { ContraindicationTag } from './contraindication-tag.entity';
export { ServiceItem } from './service-item.entity';
export { ServiceItemContraindication } from './service-item-contraindication.entity';
export { Product } from './product.entity';
export { ProductStock } from './product-stock.entity';
export { StockMovement } from './stock-movement.entity';
export { Room } from './room.entity';
export { StaffProfile } from './staff-profile.entity';
export { WorkingHours } from './working-hours.entity';
export { ScheduleException } from './schedule-exception.entity';
export { Appointment } from './appointment.entity';
export { AppointmentItem } from './appointment-item.entity';
export { Visit } from './visit.entity';
export { VisitLine } from './visit-line.entity';
export { VisitProductUse } from './visit-product-use.entity';
export { CardProduct } from './card-product.entity';
export { Account } from './account.entity';
export { LedgerEntry } from './ledger-entry.entity';
export { IdempotencyRecord } from './idempotency-record.entity';
export { MembershipTier } from './membership-tier.entity';
export { TierChange } from './tier-change.entity';
export { Settlement } from './settlement.entity';
export { Communication } from './communication.entity';
export { CareTask } from './care-task.entity';
export { Complaint } from './complaint.entity';
export { ContactConsent } from './contact-consent.entity';
export { Segment } from './segment.entity';

import { Organization } from './organization.entity';
import { Store } from './store.entity';
import { User } from './user.entity';
import { ApiKey } from './api-key.entity';
import { Customer } from './customer.entity';
import { Tag } from './tag.entity';
import { CustomerTag } from './customer-tag.entity';
import { HealthProfile } from './health-profile.entity';
import { Allergy } from './allergy.entity';
import { MedicalCondition } from './medical-condition.entity';
import { SpecialCondition } from './special-condition.entity';
import { AuditEvent } from './audit-event.entity';
import { ContraindicationTag } from './contraindication-tag.entity';
import { ServiceItem } from './service-item.entity';
import { ServiceItemContraindication } from './service-item-contraindication.entity';
import { Product } from './product.entity';
import { ProductStock } from './product-stock.entity';
import { StockMovement } from './stock-movement.entity';
import { Room } from './room.entity';
import { StaffProfile } from './staff-profile.entity';
import { WorkingHours } from './working-hours.entity';
import { ScheduleException } from './schedule-exception.entity';
import { Appointment } from './appointment.entity';
import { AppointmentItem } from './appointment-item.entity';
import { Visit } from './visit.entity';
import { VisitLine } from './visit-line.entity';
import { VisitProductUse } from './visit-product-use.entity';
import { CardProduct } from './card-product.entity';
import { Account } from './account.entity';
import { LedgerEntry } from './ledger-entry.entity';
import { IdempotencyRecord } from './idempotency-record.entity';
import { MembershipTier } from './membership-tier.entity';
import { TierChange } from './tier-change.entity';
import { Settlement } from './settlement.entity';
import { Communication } from './communication.entity';
import { CareTask } from './care-task.entity';
import { Complaint } from './complaint.entity';
import { ContactConsent } from './contact-consent.entity';
import { Segment } from './segment.entity';
import { OrganizationScoped } from './base.entity';
import { HealthRecord } from './health-record.entity';

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
];
