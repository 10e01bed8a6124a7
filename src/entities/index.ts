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
];
