import type { EntityManager } from '@mikro-orm/core';
import {
  type Appointment,
  type Customer,
  type Product,
  type ServiceItem,
  type StaffProfile,
  StockMovement,
  type Store,
  type User,
  Visit,
  VisitLine,
  VisitProductUse,
} from '../entities';
import { StockMovementReason } from '../entities/catalogue/catalogue.enums';
import type { VisitEffect } from '../entities/visits/visits.enums';
import { instantAt } from '../core/local-time';
import { DAY, dateOf, type OperationsContext } from './operations-context';
import * as data from './operations-data';

/**
 * Records seeded visits, one line each, with the products the service uses taken out of the
 * store's stock; keeps the quantities used, so the opening receipts can cover them.
 */
export class VisitRecorder {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly em: EntityManager,
    private readonly context: OperationsContext,
    private readonly products: Map<string, Product>,
  ) {}

  /** A visit with feedback drawn at random; of a completed appointment when one is given. */
  record(
    customer: Customer,
    store: Store,
    therapist: User,
    service: ServiceItem,
    at: Date,
    appointment?: Appointment,
  ): Visit {
    const { em } = this;
    const { organization, rng } = this.context;
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
    this.useProducts(record, line, service, store, at);
    return record;
  }

  /** How much of the product (by code) the store's seeded visits used. */
  usedIn(store: Store, code: string): number {
    return this.used.get(`${store.id}/${code}`) ?? 0;
  }

  private useProducts(visit: Visit, line: VisitLine, service: ServiceItem, store: Store, at: Date): void {
    const { em } = this;
    const { organization } = this.context;
    for (const [code, quantity] of data.SERVICE_PRODUCTS[service.code] ?? []) {
      const product = this.products.get(code)!;
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
      this.used.set(`${store.id}/${code}`, this.usedIn(store, code) + quantity);
    }
  }
}

/**
 * History: the latest visits of each customer who came, every two to five weeks back from their
 * lastVisitAt, a few each (never more than their visitCount). A visit planned after now is moved
 * to an hour ago; lastVisitAt becomes the latest visit recorded.
 */
export function recordVisitHistory(
  context: OperationsContext,
  profiles: StaffProfile[],
  services: ServiceItem[],
  visits: VisitRecorder,
): void {
  const { stores, customers, rng, now } = context;
  for (const customer of customers) {
    if (!customer.lastVisitAt || customer.visitCount === 0) continue;
    const store = customer.homeStore?.getEntity() ?? stores[0];
    const staff = profiles.filter((profile) => profile.store.getEntity() === store);
    let day = Math.floor((customer.lastVisitAt.getTime() - now) / DAY);
    const shown = Math.min(customer.visitCount, 1 + Math.floor(rng.next() * 4));
    let latest: Date | undefined;
    for (let count = 0; count < shown; count++) {
      const planned = instantAt(
        dateOf(now, day, store),
        (10 + Math.floor(rng.next() * 10)) * 60,
        store.timezone,
      );
      const at = planned.getTime() < now ? planned : new Date(now - 3_600_000);
      const therapist = rng.pick(staff).user.getEntity();
      visits.record(customer, store, therapist, rng.pick(services), at);
      latest ??= at;
      day -= 14 + Math.floor(rng.next() * 21);
    }
    customer.lastVisitAt = latest;
  }
}
