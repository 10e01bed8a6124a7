import type { EntityManager } from '@mikro-orm/postgresql';
import { Account, type Customer, type Organization, Settlement, type Visit } from '../entities';
import {
  AccountKind,
  LedgerEntryKind,
  PaymentMethod,
  SpendingOrder,
} from '../entities/membership/membership.enums';
import { splitCharge } from '../services/membership/membership.service';
import type { DemoCardProducts, DemoLedger } from './membership.seeder';
import * as data from './membership-data';
import type { Random } from './random';

const DAY = 86_400_000;

/** Something that happened on a customer's accounts at `at` (epoch ms); run in time order. */
export interface LedgerEvent {
  at: number;
  run: () => void;
}

/** What every step of the history works with: the seed's transaction, its draws and clock, the ledger. */
export interface LedgerHistory {
  em: EntityManager;
  organization: Organization;
  rng: Random;
  now: number;
  ledger: DemoLedger;
  products: DemoCardProducts;
}

/** One customer's accounts, and what happened on them: the customer and their visits of the last year. */
interface Member {
  customer: Customer;
  visits: Visit[];
}

/**
 * A customer's points account and, by chance, a stored-value card (half of them), a punch card (a
 * quarter) and a coupon (three in ten); then a settlement of each visit. The accounts are created
 * now, their entries when the caller runs the events in time order, so balances move as they did.
 */
export function customerLedgerEvents(history: LedgerHistory, member: Member): LedgerEvent[] {
  const { em, organization, rng } = history;
  const { customer, visits } = member;
  const points = em.create(Account, { organization, customer, kind: AccountKind.POINTS });
  const events: LedgerEvent[] = [];
  const wallet = rng.chance(0.5) ? sellStoredValue(history, member, events) : undefined;
  if (rng.chance(0.25)) sellPunchCard(history, customer, events);
  if (rng.chance(0.3)) giveCoupon(history, customer, events);
  for (const visit of visits) {
    const at = visit.visitedAt.getTime() + 60 * 60_000;
    events.push({ at, run: () => settle(history, { customer, visit, at, points, wallet }) });
  }
  return events;
}

/** A stored-value card sold the day before the first visit (or a month ago, without visits). */
function sellStoredValue(
  { em, organization, rng, now, ledger, products }: LedgerHistory,
  { customer, visits }: Member,
  events: LedgerEvent[],
): Account {
  const card = rng.pick(products.storedValueCards);
  const wallet = em.create(Account, { organization, customer, kind: AccountKind.STORED_VALUE });
  const soldAt = (visits[0]?.visitedAt.getTime() ?? now - 30 * DAY) - DAY;
  events.push({
    at: soldAt,
    run: () =>
      ledger.postAt(wallet, soldAt, {
        kind: LedgerEntryKind.TOP_UP,
        principalDelta: card.principal,
        bonusDelta: card.bonus,
        amountPaid: card.price,
        paymentMethod: rng.pick(data.EXTERNAL_METHODS) as PaymentMethod,
        note: card.name,
      }),
  });
  return wallet;
}

/**
 * A punch card sold 20 to 140 days ago and used weekly since, a few times (never in the future);
 * a card whose validity starts on first use gets it then.
 */
function sellPunchCard(
  { em, organization, rng, now, ledger, products }: LedgerHistory,
  customer: Customer,
  events: LedgerEvent[],
): void {
  const { product, service } = rng.pick(products.punchCards);
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
      ledger.postAt(card, soldAt, {
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
        ledger.postAt(card, at, {
          kind: LedgerEntryKind.PUNCH,
          unitsDelta: -1,
          serviceId: service.id,
          note: service.name,
        });
      },
    });
  }
}

/** The demo coupon, given in the last 20 days and still valid. */
function giveCoupon(
  { em, organization, rng, now, ledger, products }: LedgerHistory,
  customer: Customer,
  events: LedgerEvent[],
): void {
  const { coupon } = products;
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
      ledger.postAt(account, givenAt, { kind: LedgerEntryKind.ISSUE, unitsDelta: 1, note: coupon.name }),
  });
}

interface Settled {
  customer: Customer;
  visit: Visit;
  at: number;
  points: Account;
  wallet?: Account;
}

/**
 * A visit settled an hour after it began, at list price: from stored value when the wallet covers
 * all of it, else by an external payment; a point per yuan, valid a year.
 */
function settle(
  { em, organization, rng, ledger }: LedgerHistory,
  { customer, visit, at, points, wallet }: Settled,
): void {
  const id = ledger.nextOperationId();
  const due = visit.lines.getItems().reduce((sum, line) => sum + line.listPrice, 0);
  const fromWallet = wallet && wallet.principal + wallet.bonus >= due ? due : 0;
  const context = { storeId: visit.store.id, visitId: visit.id };
  if (fromWallet > 0) {
    const split = splitCharge(wallet!, due, SpendingOrder.BONUS_LAST);
    ledger.postAt(
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
    ledger.postAt(
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
}
