import type { EntityManager as CoreEntityManager } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type Account,
  CardProduct,
  type Customer,
  MembershipTier,
  type Organization,
  ServiceItem,
  type User,
  Visit,
} from '../entities';
import { CardProductKind } from '../entities/membership/membership.enums';
import { ORGANIZATION_FILTER } from '../mikro-orm.config';
import type { Viewer } from '../core/viewer';
import { post, type Movement } from '../services/membership/ledger';
import { evaluateTiers } from '../services/membership/tier-evaluation';
import { customerLedgerEvents } from './ledger-history.seeder';
import * as data from './membership-data';
import type { Random } from './random';

const DAY = 86_400_000;

interface Context {
  organization: Organization;
  customers: Customer[];
  frontDesk: User;
  rng: Random;
  now: number;
}

/** The card products customers buy or are given: stored-value cards, the coupon, punch cards with their service. */
export interface DemoCardProducts {
  storedValueCards: CardProduct[];
  coupon: CardProduct;
  punchCards: { product: CardProduct; service: ServiceItem }[];
}

/**
 * Tiers, card products, and for the demo customers: stored value sold and spent, punch cards used,
 * points earned, and every seeded visit of the last year settled (from stored value when it covers
 * the visit, else paid by WeChat Pay, Alipay, cash or card). Everything goes through the ledger's own
 * `post`, in time order, so cached balances equal their entries; tiers are then evaluated as in
 * production. Runs inside the demo seed's transaction.
 */
export async function seedMemberships(seedEm: CoreEntityManager, context: Context): Promise<void> {
  // The seeder hands over the core EntityManager; the driver underneath is PostgreSQL.
  const em = seedEm as unknown as EntityManager;
  const { organization, rng, now } = context;
  em.setFilterParams(ORGANIZATION_FILTER, { id: organization.id });
  const viewer = { organizationId: organization.id, userId: context.frontDesk.id } as Viewer;
  for (const tier of data.TIERS) em.create(MembershipTier, { organization, ...tier });
  const products = await createCardProducts(em, organization);
  const visits = await em.find(
    Visit,
    { organization, visitedAt: { $gt: new Date(now - 365 * DAY) } },
    { populate: ['lines'], orderBy: { visitedAt: 'asc' } },
  );
  const history = { em, organization, rng, now, ledger: new DemoLedger(em, viewer), products };
  for (const customer of context.customers) {
    const own = visits.filter((visit) => visit.customer.id === customer.id);
    const events = customerLedgerEvents(history, { customer, visits: own });
    // In time order (a stable sort: same-time events as listed), so each entry sees the balance of its day.
    for (const event of events.sort((a, b) => a.at - b.at)) event.run();
  }
  await em.flush();
  await evaluateTiers(em, organization.id, null);
}

/** The products of data.STORED_VALUE_CARDS, COUPON and PUNCH_CARDS (each punch card for its seeded service). */
async function createCardProducts(em: EntityManager, organization: Organization): Promise<DemoCardProducts> {
  const storedValueCards = data.STORED_VALUE_CARDS.map((card) =>
    em.create(CardProduct, {
      organization,
      code: card.code,
      name: card.name,
      kind: CardProductKind.STORED_VALUE,
      price: card.price,
      principal: card.price,
      bonus: card.bonus,
    }),
  );
  const coupon = em.create(CardProduct, {
    organization,
    code: data.COUPON.code,
    name: data.COUPON.name,
    kind: CardProductKind.COUPON,
    price: 0,
    couponValue: data.COUPON.value,
    couponMinSpend: data.COUPON.minSpend,
    validityDays: data.COUPON.validityDays,
  });
  const punchCards = [];
  for (const card of data.PUNCH_CARDS) {
    const service = await em.findOneOrFail(ServiceItem, { organization, code: card.service });
    const product = em.create(CardProduct, {
      organization,
      code: card.code,
      name: card.name,
      kind: CardProductKind.PUNCH_CARD,
      price: card.price,
      uses: card.uses,
      validityDays: card.validityDays,
      startsOnFirstUse: card.startsOnFirstUse,
    });
    product.services.add(service);
    punchCards.push({ product, service });
  }
  return { storedValueCards, coupon, punchCards };
}

/**
 * Posts the demo's entries through the ledger's own `post`, dated when they happened; operation ids
 * are numbered, so the same seed posts the same operations.
 */
export class DemoLedger {
  private operation = 0;

  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  nextOperationId(): string {
    return `00000000-0000-4000-8000-${String(++this.operation).padStart(12, '0')}`;
  }

  /** One entry at `at` (epoch ms), in an operation of its own unless `operationId` is given. */
  postAt(account: Account, at: number, movement: Movement, operationId = this.nextOperationId()) {
    const entry = post(this.em, this.viewer, operationId, account, movement);
    entry.createdAt = new Date(at);
    return entry;
  }
}
