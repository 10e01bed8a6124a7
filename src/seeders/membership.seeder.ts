import type { EntityManager as CoreEntityManager } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  Account,
  CardProduct,
  type Customer,
  MembershipTier,
  type Organization,
  ServiceItem,
  Settlement,
  type User,
  Visit,
} from '../entities';
import {
  AccountKind,
  CardProductKind,
  LedgerEntryKind,
  PaymentMethod,
  SpendingOrder,
} from '../entities/membership/membership.enums';
import { ORGANIZATION_FILTER } from '../mikro-orm.config';
import type { Viewer } from '../core/viewer';
import { post, type Movement } from '../services/membership/ledger';
import { splitCharge } from '../services/membership/membership.service';
import { evaluateTiers } from '../services/membership/tier-evaluation';
import * as data from './membership-data';
import type { Random } from './operations.seeder';

const DAY = 86_400_000;

interface Context {
  organization: Organization;
  customers: Customer[];
  frontDesk: User;
  rng: Random;
  now: number;
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
  const visits = await em.find(
    Visit,
    { organization, visitedAt: { $gt: new Date(now - 365 * DAY) } },
    { populate: ['lines'], orderBy: { visitedAt: 'asc' } },
  );
  let operation = 0;
  const operationId = () => `00000000-0000-4000-8000-${String(++operation).padStart(12, '0')}`;
  const postAt = (account: Account, at: number, movement: Movement, id = operationId()) => {
    const entry = post(em, viewer, id, account, movement);
    entry.createdAt = new Date(at);
    return entry;
  };

  for (const customer of context.customers) {
    const own = visits.filter((visit) => visit.customer.id === customer.id);
    const points = em.create(Account, { organization, customer, kind: AccountKind.POINTS });
    let wallet: Account | undefined;
    const events: { at: number; run: () => void }[] = [];
    if (rng.chance(0.5)) {
      const card = rng.pick(storedValueCards);
      wallet = em.create(Account, { organization, customer, kind: AccountKind.STORED_VALUE });
      const soldAt = (own[0]?.visitedAt.getTime() ?? now - 30 * DAY) - DAY;
      events.push({
        at: soldAt,
        run: () =>
          postAt(wallet!, soldAt, {
            kind: LedgerEntryKind.TOP_UP,
            principalDelta: card.principal,
            bonusDelta: card.bonus,
            amountPaid: card.price,
            paymentMethod: rng.pick(data.EXTERNAL_METHODS) as PaymentMethod,
            note: card.name,
          }),
      });
    }
    if (rng.chance(0.25)) {
      const { product, service } = rng.pick(punchCards);
      const soldAt = now - (20 + Math.floor(rng.next() * 120)) * DAY;
      const card = em.create(Account, {
        organization,
        customer,
        kind: AccountKind.PUNCH_CARD,
        cardProduct: product,
        startsOnFirstUse: product.startsOnFirstUse,
        validityDays: product.validityDays,
        validUntil: product.startsOnFirstUse ? undefined : new Date(soldAt + product.validityDays! * DAY),
      });
      events.push({
        at: soldAt,
        run: () =>
          postAt(card, soldAt, {
            kind: LedgerEntryKind.ISSUE,
            unitsDelta: product.uses!,
            amountPaid: product.price,
            paymentMethod: PaymentMethod.WECHAT_PAY,
            note: product.name,
          }),
      });
      const used = Math.floor(rng.next() * Math.min(product.uses!, 6));
      for (let use = 1; use <= used; use++) {
        const at = soldAt + use * 7 * DAY;
        if (at >= now) break;
        events.push({
          at,
          run: () => {
            if (!card.firstUsedAt) {
              card.firstUsedAt = new Date(at);
              if (card.startsOnFirstUse) card.validUntil = new Date(at + product.validityDays! * DAY);
            }
            postAt(card, at, {
              kind: LedgerEntryKind.PUNCH,
              unitsDelta: -1,
              serviceId: service.id,
              note: service.name,
            });
          },
        });
      }
    }
    if (rng.chance(0.3)) {
      const givenAt = now - Math.floor(rng.next() * 20) * DAY;
      const account = em.create(Account, {
        organization,
        customer,
        kind: AccountKind.COUPON,
        cardProduct: coupon,
        validUntil: new Date(givenAt + data.COUPON.validityDays * DAY),
      });
      events.push({
        at: givenAt,
        run: () =>
          postAt(account, givenAt, { kind: LedgerEntryKind.ISSUE, unitsDelta: 1, note: coupon.name }),
      });
    }
    for (const visit of own) {
      const at = visit.visitedAt.getTime() + 60 * 60_000;
      events.push({ at, run: () => settle(visit, at) });
    }
    const settle = (visit: Visit, at: number) => {
      const id = operationId();
      const due = visit.lines.getItems().reduce((sum, line) => sum + line.listPrice, 0);
      const fromWallet = wallet && wallet.principal + wallet.bonus >= due ? due : 0;
      const context = { storeId: visit.store.id, visitId: visit.id };
      if (fromWallet > 0) {
        const split = splitCharge(wallet!, due, SpendingOrder.BONUS_LAST);
        postAt(
          wallet!,
          at,
          {
            kind: LedgerEntryKind.CHARGE,
            principalDelta: -split.principal,
            bonusDelta: -split.bonus,
            ...context,
          },
          id,
        );
      }
      const earned = Math.floor(due / 100);
      if (earned > 0)
        postAt(
          points,
          at + 1,
          {
            kind: LedgerEntryKind.EARN,
            unitsDelta: earned,
            expiresAt: new Date(at + 365 * DAY),
            note: '消费积分',
            ...context,
          },
          id,
        );
      em.create(Settlement, {
        organization,
        visit,
        customer,
        subtotal: due,
        discount: 0,
        due,
        storedValuePaid: fromWallet,
        pointsRedeemed: 0,
        pointsValue: 0,
        externalPayments: fromWallet ? [] : [{ method: rng.pick(data.EXTERNAL_METHODS), amount: due }],
        punchesUsed: 0,
        pointsEarned: earned,
        operationId: id,
        createdAt: new Date(at),
      });
    };
    for (const event of events.sort((a, b) => a.at - b.at)) event.run();
  }
  await em.flush();
  await evaluateTiers(em, organization.id, null);
}
