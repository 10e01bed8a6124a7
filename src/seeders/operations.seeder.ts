import type { EntityManager } from '@mikro-orm/core';
import { ProductStock, StockMovement } from '../entities';
import { StockMovementReason } from '../entities/catalogue/catalogue.enums';
import { bookAppointments, healthFacts } from './appointments.seeder';
import { createCatalogue, createRooms, type DemoCatalogue } from './catalogue.seeder';
import { DAY, type OperationsContext } from './operations-context';
import * as data from './operations-data';
import { createStaffSchedules } from './schedules.seeder';
import { recordVisitHistory, VisitRecorder } from './visits.seeder';

/**
 * The working side of the demo: catalogue, rooms, staff schedules, stock, appointments from three
 * days ago to three days ahead (today's among them) and a visit history consistent with each
 * customer's visitCount and lastVisitAt. Runs inside the demo seeder's transaction. The steps draw
 * from the one random sequence in this order: keep it, or the demo archive changes.
 */
export async function seedOperations(em: EntityManager, context: OperationsContext): Promise<void> {
  const catalogue = createCatalogue(em, context.organization);
  const rooms = createRooms(em, context.organization, context.stores);
  const profiles = createStaffSchedules(em, context);
  const facts = await healthFacts(em, context.customers);
  const visits = new VisitRecorder(em, context, catalogue.products);
  recordVisitHistory(context, profiles, catalogue.services, visits);
  bookAppointments(em, context, profiles, rooms, catalogue.services, facts, visits);
  receiveStock(em, context, catalogue, visits);
  await em.flush();
}

/**
 * Stock: one opening receipt per product and store, covering what the visits used, so what is left
 * is the product's demo stock; 补水面膜 (P005) runs low in 静安店.
 */
function receiveStock(
  em: EntityManager,
  { organization, stores, now }: OperationsContext,
  catalogue: DemoCatalogue,
  visits: VisitRecorder,
): void {
  for (const store of stores)
    for (const product of data.PRODUCTS) {
      const used = visits.usedIn(store, product.code);
      const received = product.code === 'P005' && store === stores[0] ? used + 8 : product.stock + used;
      const entity = catalogue.products.get(product.code)!;
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
}
