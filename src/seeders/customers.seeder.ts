import type { EntityManager } from '@mikro-orm/core';
import {
  Allergy,
  Customer,
  CustomerTag,
  HealthProfile,
  MedicalCondition,
  type Organization,
  SpecialCondition,
  type Store,
  type Tag,
  type User,
} from '../entities';
import {
  AllergyCategory,
  ClinicalStatus,
  Frequency,
  Level,
  ReactionSeverity,
  SkinType,
  SpecialConditionKind,
  TcmConstitution,
  VerificationStatus,
} from '../entities/health/health.enums';
import { CustomerSource, Gender, PressurePreference } from '../entities/customers/customers.enums';
import { pinyinKeys } from '../services/customers/pinyin';
import * as data from './demo-data';
import type { Random } from './random';

const DAY = 86_400_000;

interface Context {
  organization: Organization;
  stores: Store[];
  consultants: User[];
  therapists: User[];
  tags: Tag[];
  rng: Random;
  now: number;
}

/**
 * The demo customers, numbered C000001 on: each with contact details, preferences, visit figures
 * (the visit history is seeded to match them), tags and a health profile with its facts. Drawn one
 * customer after the other, so a customer's draws never depend on how many come after.
 */
export function seedCustomers(em: EntityManager, context: Context, count: number): Customer[] {
  const customers: Customer[] = [];
  for (let index = 0; index < count; index++) {
    const customer = createCustomer(em, context, index, customers);
    customers.push(customer);
    for (const tag of context.rng.some(context.tags, 2))
      em.create(CustomerTag, { organization: context.organization, customer, tag });
    recordHealth(em, context, customer);
  }
  return customers;
}

/** One customer; from the sixth on, some were referred by an earlier one. */
function createCustomer(em: EntityManager, context: Context, index: number, earlier: Customer[]): Customer {
  const { organization, stores, consultants, therapists, rng, now } = context;
  const name = rng.pick(data.SURNAMES) + rng.pick(data.GIVEN_NAMES);
  const keys = pinyinKeys(name);
  const phone = `+861${rng.pick(['3', '5', '7', '8', '9'])}${String(100000000 + index * 7919 + Math.floor(rng.next() * 7000)).slice(0, 9)}`;
  const gender = rng.chance(0.8) ? Gender.FEMALE : Gender.MALE;
  const year = 1960 + Math.floor(rng.next() * 42);
  const birthday = `${year}-${String(1 + Math.floor(rng.next() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rng.next() * 28)).padStart(2, '0')}`;
  const visits = Math.floor(rng.next() * 40);
  const lastVisitDaysAgo = Math.floor(rng.next() * 260);
  return em.create(Customer, {
    organization,
    code: `C${String(index + 1).padStart(6, '0')}`,
    name,
    namePinyin: keys.full,
    nameInitials: keys.initials,
    gender,
    birthday,
    phone,
    phoneLast4: phone.slice(-4),
    email: rng.chance(0.4) ? `${keys.full}${index}@example.cn` : undefined,
    address: rng.chance(0.5)
      ? `上海市${rng.pick(['静安区', '徐汇区', '长宁区', '黄浦区'])}某路${10 + index}号`
      : undefined,
    occupation: rng.pick(data.OCCUPATIONS),
    source: rng.pick(Object.values(CustomerSource)),
    referrer: index > 5 && rng.chance(0.2) ? earlier[Math.floor(rng.next() * earlier.length)] : undefined,
    homeStore: rng.pick(stores),
    assignedConsultant: rng.chance(0.7) ? rng.pick(consultants) : undefined,
    assignedTherapist: rng.chance(0.6) ? rng.pick(therapists) : undefined,
    importantDates: [{ kind: 'BIRTHDAY', label: '生日', date: birthday }],
    healthConsentGivenAt: new Date(now - lastVisitDaysAgo * DAY - 30 * DAY),
    healthConsentSource: '健康档案知情同意书 (纸质签字)',
    preferences: {
      serviceTypes: rng.some(data.SERVICE_TYPES, 3),
      productBrands: rng.some(data.BRANDS, 2),
      scents: rng.some(data.SCENTS, 2),
      noScent: rng.chance(0.1),
      pressure: rng.pick(Object.values(PressurePreference)),
      music: rng.pick(['古典音乐', '轻音乐', '自然白噪音', '安静无音乐']),
      lighting: rng.pick(['柔和', '昏暗', '明亮']),
      roomTemperature: rng.pick(['24°C', '26°C', '偏暖']),
      dietaryRestrictions: rng.some(data.DIETARY, 1),
    },
    notes: rng.chance(0.3) ? '喜欢提前10分钟到店, 偏好靠窗的房间。' : undefined,
    visitCount: visits,
    lastVisitAt: visits > 0 ? new Date(now - lastVisitDaysAgo * DAY) : undefined,
    lifetimeSpend: visits * (19800 + Math.floor(rng.next() * 30000)),
    createdAt: new Date(now - (300 + index * 3) * DAY),
  });
}

/**
 * The health profile, and for some customers allergies, medical conditions and (some women) a
 * pregnancy: what the contraindication checks of the seeded bookings read.
 */
function recordHealth(em: EntityManager, context: Context, customer: Customer): void {
  const { organization, consultants, rng, now } = context;
  em.create(HealthProfile, {
    organization,
    customer,
    constitution: rng.pick(data.CONSTITUTIONS) as TcmConstitution,
    lifestyle: {
      sleepHours: 5 + Math.floor(rng.next() * 4),
      sleepQuality: rng.pick(Object.values(Level)),
      exercise: rng.pick(Object.values(Frequency)),
      smoking: rng.chance(0.15) ? Frequency.DAILY : Frequency.NEVER,
      drinking: rng.pick([Frequency.NEVER, Frequency.OCCASIONALLY]),
    },
    skinProfile: {
      type: rng.pick(Object.values(SkinType)),
      sensitivity: rng.pick(Object.values(Level)),
      concerns: rng.some(['干燥', '毛孔粗大', '色斑', '细纹'], 2),
    },
    currentComplaints: rng.some(data.COMPLAINTS, 3),
    wellnessGoals: rng.some(data.GOALS, 2),
    notes: rng.chance(0.3) ? '按压腰部时需轻柔, 客户曾有腰伤。' : undefined,
  });
  for (const allergy of rng.chance(0.45) ? rng.some(data.ALLERGIES, 2) : []) {
    em.create(Allergy, {
      organization,
      customer,
      substance: allergy.substance,
      category: allergy.category as AllergyCategory,
      reaction: allergy.reaction,
      severity: allergy.severity as ReactionSeverity,
      verificationStatus: rng.chance(0.6) ? VerificationStatus.CONFIRMED : VerificationStatus.UNCONFIRMED,
      recordedBy: rng.pick(consultants),
    });
  }
  for (const condition of rng.chance(0.35) ? rng.some(data.CONDITIONS, 2) : []) {
    em.create(MedicalCondition, {
      organization,
      customer,
      condition,
      since: `${2010 + Math.floor(rng.next() * 14)}-01-01`,
      status: rng.chance(0.8) ? ClinicalStatus.ACTIVE : ClinicalStatus.REMISSION,
      recordedBy: rng.pick(consultants),
    });
  }
  if (customer.gender === Gender.FEMALE && rng.chance(0.08)) {
    em.create(SpecialCondition, {
      organization,
      customer,
      kind: SpecialConditionKind.PREGNANCY,
      description: '孕中期, 避免腹部及腰骶部按摩',
      startsOn: new Date(now - 120 * DAY).toISOString().slice(0, 10),
      endsOn: new Date(now + 150 * DAY).toISOString().slice(0, 10),
      recordedBy: rng.pick(consultants),
    });
  }
}
