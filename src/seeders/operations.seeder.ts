import type { EntityManager } from '@mikro-orm/core';
import {
  Allergy,
  Appointment,
  AppointmentItem,
  ContraindicationTag,
  type Customer,
  MedicalCondition,
  type Organization,
  Product,
  ProductStock,
  Room,
  ScheduleException,
  ServiceItem,
  SpecialCondition,
  StaffProfile,
  StockMovement,
  type Store,
  type User,
  Visit,
  VisitLine,
  VisitProductUse,
  WorkingHours,
} from '../entities';
import { AllergyCategory, SpecialConditionKind } from '../entities/health/health.enums';
import { AppointmentStatus, BookingChannel } from '../entities/booking/booking.enums';
import { ContraindicationSeverity, StockMovementReason } from '../entities/catalogue/catalogue.enums';
import { ScheduleExceptionKind } from '../entities/staff/staff.enums';
import { VisitEffect } from '../entities/visits/visits.enums';
import { matchContraindications } from '../services/health/contraindication';
import { instantAt, localTime } from '../core/local-time';
import * as data from './operations-data';

const DAY = 86_400_000;

export interface Random {
  next(): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

interface Context {
  organization: Organization;
  stores: Store[];
  therapists: User[];
  customers: Customer[];
  rng: Random;
  now: number;
}

/** Weekly hours per therapist: [weekdays, periods]. 钱技师 works split shifts and rests on Mondays. */
const SCHEDULES: [number[], [string, string][]][] = [
  [[1, 2, 3, 4, 5, 6, 7], [['10:00', '22:00']]],
  [
    [2, 3, 4, 5, 6, 7],
    [
      ['10:00', '14:00'],
      ['15:00', '22:00'],
    ],
  ],
  [[1, 2, 3, 4, 5, 6], [['10:00', '22:00']]],
  [[1, 2, 3, 4, 5, 6, 7], [['12:00', '22:00']]],
];

/**
 * The working side of the demo: catalogue, rooms, staff schedules, stock, appointments from three
 * days ago to three days ahead (today's among them) and a visit history consistent with each
 * customer's visitCount and lastVisitAt. Runs inside the demo seeder's transaction.
 */
export async function seedOperations(em: EntityManager, context: Context): Promise<void> {
  const { organization, stores, therapists, customers, rng, now } = context;
  const tags = new Map<string, ContraindicationTag>(
    data.CONTRAINDICATION_TAGS.map((tag) => [
      tag.name,
      em.create(ContraindicationTag, {
        organization,
        name: tag.name,
        severity: tag.severity as ContraindicationSeverity,
        description: 'description' in tag ? tag.description : undefined,
        specialConditionKinds: [
          ...('specialConditionKinds' in tag ? tag.specialConditionKinds : []),
        ] as SpecialConditionKind[],
        allergyCategories: [
          ...('allergyCategories' in tag ? tag.allergyCategories : []),
        ] as AllergyCategory[],
        keywords: [...('keywords' in tag ? tag.keywords : [])],
      }),
    ]),
  );
  const services = data.SERVICES.map((service) => {
    const item = em.create(ServiceItem, {
      organization,
      code: service.code,
      name: service.name,
      category: service.category,
      description: service.description,
      durationMinutes: service.minutes,
      bufferMinutes: service.buffer,
      price: service.price,
      roomKind: service.roomKind,
    });
    item.contraindications.set(service.tags.map((name) => tags.get(name)!));
    return item;
  });
  const products = new Map<string, Product>(
    data.PRODUCTS.map((product) => [
      product.code,
      em.create(Product, {
        organization,
        code: product.code,
        name: product.name,
        brand: product.brand,
        spec: product.spec,
        unit: product.unit,
        cost: product.cost,
        price: product.price,
        lowStockThreshold: product.threshold,
      }),
    ]),
  );
  const stock = new Map<string, number>();
  const rooms = new Map<Store, Room[]>(
    stores.map((store) => [
      store,
      data.ROOMS.map(([name, kind]) => em.create(Room, { organization, store, name, kind })),
    ]),
  );
  // Two therapists per store, each with weekly hours; one leave and one extra shift ahead.
  const profiles = therapists.map((user, index) => {
    const profile = em.create(StaffProfile, {
      organization,
      store: stores[Math.floor(index / 2) % stores.length],
      user,
      title: index % 2 ? '理疗师' : '高级技师',
    });
    const [weekdays, periods] = SCHEDULES[index % SCHEDULES.length];
    for (const weekday of weekdays)
      for (const [startsAt, endsAt] of periods)
        em.create(WorkingHours, { organization, staffProfile: profile, weekday, startsAt, endsAt });
    return profile;
  });
  const dateOf = (days: number, store: Store) => localTime(new Date(now + days * DAY), store.timezone).date;
  em.create(ScheduleException, {
    organization,
    staffProfile: profiles[1],
    date: dateOf(3, profiles[1].store.getEntity()),
    kind: ScheduleExceptionKind.LEAVE,
    note: '事假',
  });
  em.create(ScheduleException, {
    organization,
    staffProfile: profiles[2],
    date: dateOf(5, profiles[2].store.getEntity()),
    kind: ScheduleExceptionKind.EXTRA_SHIFT,
    startsAt: '09:00',
    endsAt: '10:00',
    note: '加班',
  });

  const facts = await healthFacts(em, customers);
  const use = (visit: Visit, line: VisitLine, service: ServiceItem, store: Store, at: Date) => {
    for (const [code, quantity] of data.SERVICE_PRODUCTS[service.code] ?? []) {
      const product = products.get(code)!;
      line.products.add(em.create(VisitProductUse, { organization, line, product, quantity }));
      em.create(StockMovement, {
        organization,
        store,
        product,
        delta: -quantity,
        reason: StockMovementReason.VISIT_USE,
        visitId: visit.id,
        recordedBy: line.therapist.getEntity(),
        createdAt: at,
      });
      stock.set(`${store.id}/${code}`, (stock.get(`${store.id}/${code}`) ?? 0) + quantity);
    }
  };
  const visit = (
    customer: Customer,
    store: Store,
    therapist: User,
    service: ServiceItem,
    at: Date,
    appointment?: Appointment,
  ) => {
    const [effect, feedback] = rng.pick(data.FEEDBACK);
    const record = em.create(Visit, {
      organization,
      store,
      customer,
      appointment,
      visitedAt: at,
      effect: effect as VisitEffect,
      satisfaction: effect === 'DISCOMFORT' ? 3 : rng.chance(0.7) ? 5 : 4,
      feedback,
      suggestions: rng.chance(0.25) ? rng.pick(data.SUGGESTIONS) : undefined,
      nextVisitIntent: rng.chance(0.4) ? `两周后再做${service.name}` : undefined,
      conditionNotes: rng.chance(0.3)
        ? rng.pick(['肩颈僵硬, 左侧明显', '腰部肌肉紧张', '皮肤偏干, 轻微泛红'])
        : undefined,
      recordedBy: therapist,
      createdAt: at,
    });
    const line = em.create(VisitLine, {
      organization,
      visit: record,
      position: 0,
      service,
      therapist,
      durationMinutes: service.durationMinutes,
      bodyArea: data.BODY_AREAS[service.category],
      listPrice: service.price,
    });
    record.lines.add(line);
    use(record, line, service, store, at);
    return record;
  };
  const storeTherapists = (store: Store) => profiles.filter((p) => p.store.getEntity() === store);

  // History: the latest visits of each customer who came, ending at their lastVisitAt.
  for (const customer of customers) {
    if (!customer.lastVisitAt || customer.visitCount === 0) continue;
    const store = customer.homeStore?.getEntity() ?? stores[0];
    const staff = storeTherapists(store);
    let day = Math.floor((customer.lastVisitAt.getTime() - now) / DAY);
    const shown = Math.min(customer.visitCount, 1 + Math.floor(rng.next() * 4));
    let latest: Date | undefined;
    for (let count = 0; count < shown; count++) {
      const planned = instantAt(dateOf(day, store), (10 + Math.floor(rng.next() * 10)) * 60, store.timezone);
      const at = planned.getTime() < now ? planned : new Date(now - 3_600_000);
      const therapist = rng.pick(staff).user.getEntity();
      visit(customer, store, therapist, rng.pick(services), at);
      latest ??= at;
      day -= 14 + Math.floor(rng.next() * 21);
    }
    customer.lastVisitAt = latest;
  }

  // Appointments: a grid per therapist from three days ago to three days ahead.
  const slots = ['10:00', '13:00', '16:00', '19:00'];
  let picked = 0;
  for (const [index, profile] of profiles.entries()) {
    const store = profile.store.getEntity();
    const own = rooms.get(store)!;
    for (let day = -3; day <= 3; day++) {
      for (const time of slots) {
        if (!rng.chance(0.55)) continue;
        const startsAt = instantAt(dateOf(day, store), Number(time.slice(0, 2)) * 60, store.timezone);
        const service = rng.pick(
          services.filter((s) => !s.roomKind || own.some((room) => room.kind === s.roomKind)),
        );
        const room = service.roomKind ? own.filter((r) => r.kind === service.roomKind)[index % 2] : undefined;
        const customer = customers[(picked++ * 7 + index) % customers.length];
        const endsAt = new Date(startsAt.getTime() + service.durationMinutes * 60_000);
        const past = endsAt.getTime() < now;
        const status = past
          ? rng.chance(0.85)
            ? AppointmentStatus.COMPLETED
            : rng.pick([AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED])
          : day === 0 && startsAt.getTime() < now
            ? AppointmentStatus.ARRIVED
            : rng.pick([AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED, AppointmentStatus.CONFIRMED]);
        const check = matchContraindications([service], facts(customer), dateOf(day, store));
        const appointment = em.create(Appointment, {
          organization,
          store,
          customer,
          channel: rng.pick(Object.values(BookingChannel)),
          status,
          startsAt,
          endsAt,
          healthReviewRequired: check.healthReviewRequired,
          confirmedAt: status === AppointmentStatus.BOOKED ? undefined : new Date(startsAt.getTime() - DAY),
          checkedInAt: [AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED].includes(status)
            ? startsAt
            : undefined,
          completedAt: status === AppointmentStatus.COMPLETED ? endsAt : undefined,
          cancelledAt:
            status === AppointmentStatus.CANCELLED ? new Date(startsAt.getTime() - DAY) : undefined,
          cancelReason: status === AppointmentStatus.CANCELLED ? '客户临时出差' : undefined,
          noShowAt: status === AppointmentStatus.NO_SHOW ? endsAt : undefined,
          createdAt: new Date(startsAt.getTime() - 3 * DAY),
        });
        em.create(AppointmentItem, {
          organization,
          appointment,
          position: 0,
          service,
          therapist: profile.user.getEntity(),
          room,
          startsAt,
          endsAt,
          blockedUntil: new Date(endsAt.getTime() + service.bufferMinutes * 60_000),
          blocking: status !== AppointmentStatus.CANCELLED && status !== AppointmentStatus.NO_SHOW,
        });
        if (status !== AppointmentStatus.COMPLETED) continue;
        visit(customer, store, profile.user.getEntity(), service, startsAt, appointment);
        customer.visitCount += 1;
        if (!customer.lastVisitAt || customer.lastVisitAt < startsAt) customer.lastVisitAt = startsAt;
      }
    }
  }

  // Stock: one receipt per product and store, minus what the visits used; 补水面膜 runs low in 静安店.
  for (const store of stores)
    for (const product of data.PRODUCTS) {
      const used = stock.get(`${store.id}/${product.code}`) ?? 0;
      const received = product.code === 'P005' && store === stores[0] ? used + 8 : product.stock + used;
      const entity = products.get(product.code)!;
      em.create(StockMovement, {
        organization,
        store,
        product: entity,
        delta: received,
        reason: StockMovementReason.RECEIPT,
        note: '期初入库',
        createdAt: new Date(now - 400 * DAY),
      });
      em.create(ProductStock, { organization, store, product: entity, quantity: received - used });
    }
  await em.flush();
}

/** The seeded health facts of each customer, for the contraindication check of seeded bookings. */
async function healthFacts(em: EntityManager, customers: Customer[]) {
  const ids = customers.map((customer) => customer.id);
  const [allergies, specialConditions, medicalConditions] = [
    await em.find(Allergy, { customer: { $in: ids } }, { filters: false }),
    await em.find(SpecialCondition, { customer: { $in: ids } }, { filters: false }),
    await em.find(MedicalCondition, { customer: { $in: ids } }, { filters: false }),
  ];
  return (customer: Customer) => ({
    allergies: allergies.filter((fact) => fact.customer.id === customer.id),
    specialConditions: specialConditions.filter((fact) => fact.customer.id === customer.id),
    medicalConditions: medicalConditions.filter((fact) => fact.customer.id === customer.id),
  });
}
