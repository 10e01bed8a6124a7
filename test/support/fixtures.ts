import type { MikroORM } from '@mikro-orm/postgresql';
import {
  Allergy,
  Customer,
  HealthProfile,
  MedicalCondition,
  Organization,
  SpecialCondition,
  Store,
  User,
} from '../../src/entities';
import {
  AllergyCategory,
  SpecialConditionKind,
  TcmConstitution,
} from '../../src/entities/health/health.enums';
import { Role } from '../../src/entities/access/access.enums';
import { StaffRole } from '../../src/entities/staff/staff.enums';
import { hashPassword } from '../../src/services/access/password.service';
import { pinyinKeys } from '../../src/services/customers/pinyin';
import { forOrganization } from '../../src/services/tenancy';
import type { TestApp } from './test-app';

export const PASSWORD = 'correct horse battery staple';
// Hashed once; scrypt is deliberately slow.
let passwordHash: Promise<string> | undefined;

export interface OrganizationFixture {
  organizationId: string;
  storeId: string;
  users: Record<`${StaffRole}`, User> & { OTHER_CONSULTANT: User; OTHER_THERAPIST: User };
  /** Bearer tokens per role; OTHER_* are a second consultant and therapist with no customers. */
  tokens: Record<`${StaffRole}` | 'OTHER_CONSULTANT' | 'OTHER_THERAPIST', string>;
  /** Assigned to CONSULTANT and THERAPIST, with an allergy, a condition and a current pregnancy. */
  assigned: Customer;
  /** Assigned to nobody, with an allergy. */
  unassigned: Customer;
}

let sequence = 0;

/** An organization with a store, one user per role, and two customers with health data. */
export async function createOrganization(
  testApp: TestApp,
  name = '测试养生馆',
): Promise<OrganizationFixture> {
  passwordHash ??= hashPassword(PASSWORD);
  const em = testApp.orm.em.fork();
  const suffix = `${process.env.JEST_WORKER_ID ?? 0}-${Date.now()}-${sequence++}`;
  const organization = em.create(Organization, { name });
  const store = em.create(Store, { organization, name: '总店', code: 'HQ' });
  const hash = await passwordHash;
  const makeUser = (role: StaffRole, label: string) =>
    em.create(User, {
      organization,
      role,
      email: `${label.toLowerCase()}-${suffix}@test.cn`,
      displayName: label,
      passwordHash: hash,
    });
  const users = Object.fromEntries(
    Object.values(StaffRole).map((role) => [role, makeUser(role, role)]),
  ) as OrganizationFixture['users'];
  users.OTHER_CONSULTANT = makeUser(StaffRole.CONSULTANT, 'OTHER_CONSULTANT');
  users.OTHER_THERAPIST = makeUser(StaffRole.THERAPIST, 'OTHER_THERAPIST');
  const makeCustomer = (
    customerName: string,
    code: string,
    phone: string,
    consultant?: User,
    therapist?: User,
  ) => {
    const keys = pinyinKeys(customerName);
    const customer = em.create(Customer, {
      organization,
      name: customerName,
      code,
      namePinyin: keys.full,
      nameInitials: keys.initials,
      phone,
      phoneLast4: phone.slice(-4),
      assignedConsultant: consultant,
      assignedTherapist: therapist,
      notes: '备注: 客户怕冷',
      healthConsentGivenAt: new Date(),
      healthConsentSource: '健康档案知情同意书',
    });
    em.create(HealthProfile, {
      organization,
      customer,
      constitution: TcmConstitution.QI_DEFICIENCY,
      currentComplaints: ['失眠'],
      notes: '健康备注',
    });
    return customer;
  };
  const assigned = makeCustomer('张三', 'C000001', '+8613800138001', users.CONSULTANT, users.THERAPIST);
  const unassigned = makeCustomer('李四', 'C000002', '+8613900139002');
  organization.lastCustomerNumber = 2;
  em.create(Allergy, {
    organization,
    customer: assigned,
    substance: '薰衣草精油',
    category: AllergyCategory.ESSENTIAL_OIL,
  });
  em.create(Allergy, {
    organization,
    customer: unassigned,
    substance: '芒果',
    category: AllergyCategory.FOOD,
  });
  em.create(MedicalCondition, { organization, customer: assigned, condition: '高血压' });
  em.create(SpecialCondition, {
    organization,
    customer: assigned,
    kind: SpecialConditionKind.PREGNANCY,
    startsOn: '2020-01-01',
  });
  // As a request of the organization does: row-level security checks every row belongs to it.
  await forOrganization(organization.id, () => em.flush());
  const tokens = {} as OrganizationFixture['tokens'];
  for (const [key, user] of Object.entries(users)) {
    tokens[key as keyof OrganizationFixture['tokens']] = (
      await testApp.tokens.issue({
        userId: user.id,
        organizationId: organization.id,
        role: user.role as unknown as Role,
      })
    ).token;
  }
  return { organizationId: organization.id, storeId: store.id, users, tokens, assigned, unassigned };
}

export async function countRows(orm: MikroORM, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await orm.em.getConnection().execute<{ count: string }[]>(sql, params);
  return Number(row.count);
}
