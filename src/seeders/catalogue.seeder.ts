import type { EntityManager } from '@mikro-orm/core';
import { ContraindicationTag, type Organization, Product, Room, ServiceItem, type Store } from '../entities';
import type { AllergyCategory, SpecialConditionKind } from '../entities/health/health.enums';
import type { ContraindicationSeverity } from '../entities/catalogue/catalogue.enums';
import * as data from './operations-data';

/** What the visits and bookings choose from: the services and, by code, the products they use. */
export interface DemoCatalogue {
  services: ServiceItem[];
  products: Map<string, Product>;
}

/** Contraindication tags, the services (each with its tags) and the retail and treatment products. */
export function createCatalogue(em: EntityManager, organization: Organization): DemoCatalogue {
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
  return { services, products };
}

/** The same set of rooms in every store. */
export function createRooms(
  em: EntityManager,
  organization: Organization,
  stores: Store[],
): Map<Store, Room[]> {
  return new Map<Store, Room[]>(
    stores.map((store) => [
      store,
      data.ROOMS.map(([name, kind]) => em.create(Room, { organization, store, name, kind })),
    ]),
  );
}
