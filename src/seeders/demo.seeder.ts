import type { EntityManager } from '@mikro-orm/core';
import { Seeder } from '@mikro-orm/seeder';
import {
  Allergy,
  Customer,
  CustomerTag,
  HealthProfile,
  MedicalCondition,
  Organization,
  SpecialCondition,
  Store,
  Tag,
  User,
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
import { StaffRole } from '../entities/staff/staff.enums';
import { hashPassword } from '../services/access/password.service';
import { pinyinKeys } from '../services/customers/pinyin';
import * as data from './demo-data';
import { seedCare } from './care.seeder';
import { seedMemberships } from './membership.seeder';
import { seedOperations } from './operations.seeder';

/** Deterministic pseudo-random numbers, so every fresh start seeds the same demo archive. */
function random(seed: number) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  return {
    next,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    some: <T>(items: readonly T[], max: number): T[] => [
      ...new Set(
        Array.from(
          { length: Math.floor(next() * (max + 1)) },
          () => items[Math.floor(next() * items.length)],
        ),
      ),
    ],
    chance: (probability: number) => next() < probability,
  };
}

const DAY = 86_400_000;

/** 悦心养生馆: one organization, two stores, a user per role, 50 customers with health profiles. */
export class DemoSeeder extends Seeder {
  constructor(private readonly customerCount = 50) {
    super();
  }

  /** All or nothing: a failed seed leaves an empty database, so the next start seeds again. */
  async run(em: EntityManager): Promise<void> {
    await em.transactional((tx) => this.seed(tx));
  }

  private async seed(em: EntityManager): Promise<void> {
    const rng = random(20261122);
    const organization = em.create(Organization, {
      name: '悦心养生馆',
      lastCustomerNumber: this.customerCount,
    });
    const stores = [
      em.create(Store, {
        organization,
        name: '静安店',
        code: 'JA',
        address: '上海市静安区南京西路1266号',
        phone: '021-62881234',
      }),
      em.create(Store, {
        organization,
        name: '徐汇店',
        code: 'XH',
        address: '上海市徐汇区衡山路88号',
        phone: '021-64335678',
      }),
    ];
    const passwordHash = await hashPassword(data.DEMO_PASSWORD);
    const staff = data.DEMO_STAFF.map((member) =>
      em.create(User, {
        organization,
        email: member.email,
        displayName: member.displayName,
        role: member.role as StaffRole,
        passwordHash,
      }),
    );
    for (const user of staff) user.stores.set(stores);
    const consultants = staff.filter((user) => user.role === StaffRole.CONSULTANT);
    const therapists = staff.filter((user) => user.role === StaffRole.THERAPIST);
    const tags = data.TAGS.map((tag) => em.create(Tag, { organization, ...tag }));
    const customers: Customer[] = [];
    const now = Date.now();
    for (let index = 0; index < this.customerCount; index++) {
      const name = rng.pick(data.SURNAMES) + rng.pick(data.GIVEN_NAMES);
      const keys = pinyinKeys(name);
      const phone = `+861${rng.pick(['3', '5', '7', '8', '9'])}${String(100000000 + index * 7919 + Math.floor(rng.next() * 7000)).slice(0, 9)}`;
      const gender = rng.chance(0.8) ? Gender.FEMALE : Gender.MALE;
      const year = 1960 + Math.floor(rng.next() * 42);
      const birthday = `${year}-${String(1 + Math.floor(rng.next() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rng.next() * 28)).padStart(2, '0')}`;
      const visits = Math.floor(rng.next() * 40);
      const lastVisitDaysAgo = Math.floor(rng.next() * 260);
      const customer = em.create(Customer, {
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
        referrer:
          index > 5 && rng.chance(0.2) ? customers[Math.floor(rng.next() * customers.length)] : undefined,
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
      customers.push(customer);
      for (const tag of rng.some(tags, 2)) em.create(CustomerTag, { organization, customer, tag });
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
      if (gender === Gender.FEMALE && rng.chance(0.08)) {
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
    await em.flush();
    await seedOperations(em, { organization, stores, therapists, customers, rng, now });
    const frontDesk = staff.find((user) => user.role === StaffRole.FRONT_DESK)!;
    await seedMemberships(em, { organization, customers, frontDesk, rng, now });
    seedCare(em, { organization, stores, staff, customers, tags, rng, now });
    await em.flush();
  }
}
