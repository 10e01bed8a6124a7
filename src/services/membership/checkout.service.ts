import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, LedgerEntry, Organization, Settlement, Visit, type VisitLine } from '../../entities';
import { AccountKind, LedgerEntryKind } from '../../entities/membership/membership.enums';
import type { SettleVisitInput } from '../../schema/membership/checkout.inputs';
import { BadInputError, ConflictError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { assertUsable, lockAccount, post } from './ledger';
import { splitCharge } from './membership.service';
import { runPostingWith, type Posting } from './posting';
import { evaluateTiers } from './tier-evaluation';
import { usePunch } from './punch-cards';
import { expireDuePoints, pointsExpiry, walletOf } from './wallets';

/** A posting that also answers with its settlement row. */
export interface Checkout extends Posting {
  settlement: Settlement;
}

/**
 * 结账 of a visit in one transaction: punches per line, tier discount, stored value, points and
 * external payments, points earned, lifetime spend, tier re-evaluation and the referrer's reward on
 * the first payment. Any failure rolls everything back: nothing is posted.
 */
export class CheckoutService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  settle(input: SettleVisitInput): Promise<Checkout> {
    const { idempotencyKey, dryRun, ...request } = input;
    return runPostingWith(
      this.em,
      this.viewer,
      'settleVisit',
      request,
      { idempotencyKey, dryRun },
      {
        work: (em, operationId) => this.run(em, operationId, input),
        replay: async (em, operationId) => ({
          settlement: await em.findOneOrFail(Settlement, { operationId }),
        }),
      },
    );
  }

  private async run(em: EntityManager, operationId: string, input: SettleVisitInput) {
    const visit = await em.findOne(Visit, { id: input.visitId }, { populate: ['lines'] });
    if (!visit) throw new NotFoundError('Visit', input.visitId);
    const customer = await lockCustomer(em, visit.customer.id);
    if (await em.count(Settlement, { visit: visit.id }))
      throw new ConflictError('This visit is settled already.', { reason: 'ALREADY_SETTLED' });
    const organization = await em.findOneOrFail(Organization, { id: this.viewer.organizationId });
    const tier = customer.tier ? await customer.tier.load() : null;
    const entries: LedgerEntry[] = [];
    const context = { storeId: visit.store.id, visitId: visit.id };

    const punched = new Set<string>();
    for (const [index, punch] of input.punches.entries()) {
      const field = `punches[${index}]`;
      const line = visit.lines.getItems().find((candidate) => candidate.id === punch.visitLineId);
      if (!line) throw new BadInputError(`${field}.visitLineId`, 'line', 'Not a line of this visit.');
      if (punched.has(line.id))
        throw new BadInputError(`${field}.visitLineId`, 'once', 'This line is paid by a punch already.');
      punched.add(line.id);
      const card = await lockAccount(em, punch.accountId);
      if (card.customer.id !== customer.id)
        throw new BadInputError(`${field}.accountId`, 'punchCard', "Not one of this customer's punch cards.");
      const target = { account: `${field}.accountId`, service: `${field}.accountId` };
      entries.push(
        await usePunch(em, this.viewer, operationId, card, await line.service.loadOrFail(), target, context),
      );
    }

    const subtotal = visit.lines
      .getItems()
      .filter((line: VisitLine) => !punched.has(line.id))
      .reduce((sum, line) => sum + line.listPrice, 0);
    const discount = Math.floor((subtotal * (tier?.discountBasisPoints ?? 0)) / 10_000);
    const couponDiscount = await this.redeemCoupons(
      em,
      operationId,
      customer,
      input.couponAccountIds,
      subtotal - discount,
      entries,
      context,
    );
    const due = subtotal - discount - couponDiscount;
    const pointsValue = input.pointsToRedeem * organization.pointValueMinorUnits;
    const external = input.externalPayments.reduce((sum, payment) => sum + payment.amountMinorUnits, 0);
    const offered = input.storedValueMinorUnits + pointsValue + external;
    if (offered !== due)
      throw new BadInputError(
        'payments',
        'sum',
        `The payments add up to ${offered} 分 but ${due} 分 is due (${subtotal} list price − ${discount} ${tier?.name ?? ''} discount − ${couponDiscount} coupons).`,
      );

    if (input.storedValueMinorUnits > 0) {
      const wallet = await walletOf(em, this.viewer, customer, AccountKind.STORED_VALUE);
      assertUsable(wallet);
      const split = splitCharge(wallet, input.storedValueMinorUnits, organization.spendingOrder);
      entries.push(
        post(em, this.viewer, operationId, wallet, {
          kind: LedgerEntryKind.CHARGE,
          principalDelta: -split.principal,
          bonusDelta: -split.bonus,
          ...context,
        }),
      );
    }
    const points =
      input.pointsToRedeem > 0 || due > 0
        ? await walletOf(em, this.viewer, customer, AccountKind.POINTS)
        : null;
    if (points && input.pointsToRedeem > 0) {
      assertUsable(points);
      entries.push(...(await expireDuePoints(em, this.viewer, operationId, points)));
      entries.push(
        post(em, this.viewer, operationId, points, {
          kind: LedgerEntryKind.REDEEM,
          unitsDelta: -input.pointsToRedeem,
          ...context,
        }),
      );
    }
    const moneyPaid = input.storedValueMinorUnits + external;
    const pointsEarned = Math.floor(
      (moneyPaid * organization.pointsPerYuan * (tier?.pointsMultiplierPercent ?? 100)) / 10_000,
    );
    if (points && pointsEarned > 0)
      entries.push(
        post(em, this.viewer, operationId, points, {
          kind: LedgerEntryKind.EARN,
          unitsDelta: pointsEarned,
          expiresAt: pointsExpiry(organization),
          note: '消费积分',
          ...context,
        }),
      );

    const settlement = em.create(Settlement, {
      organization: this.viewer.organizationId,
      visit,
      customer,
      tier: tier ?? undefined,
      subtotal,
      discount,
      couponDiscount,
      due,
      storedValuePaid: input.storedValueMinorUnits,
      pointsRedeemed: input.pointsToRedeem,
      pointsValue,
      externalPayments: input.externalPayments.map((payment) => ({
        method: payment.method,
        amount: payment.amountMinorUnits,
        reference: payment.reference,
      })),
      punchesUsed: punched.size,
      pointsEarned,
      operationId,
    });
    entries.push(...(await this.rewardReferrer(em, operationId, customer, organization, moneyPaid)));
    await em.flush();
    await em
      .getConnection()
      .execute(
        `update customer set lifetime_spend = lifetime_spend + ? where id = ?`,
        [moneyPaid, customer.id],
        'run',
        em.getTransactionContext(),
      );
    await evaluateTiers(em, this.viewer.organizationId, customer.id);
    return { settlement, entries };
  }

  /** 优惠券: each takes its value off what is left, once; a coupon's 满 threshold is checked first. */
  private async redeemCoupons(
    em: EntityManager,
    operationId: string,
    customer: Customer,
    couponIds: string[],
    afterDiscount: number,
    entries: LedgerEntry[],
    context: { storeId: string; visitId: string },
  ): Promise<number> {
    let taken = 0;
    for (const [index, couponId] of [...new Set(couponIds)].entries()) {
      const field = `couponAccountIds[${index}]`;
      const coupon = await lockAccount(em, couponId);
      if (coupon.kind !== AccountKind.COUPON || coupon.customer.id !== customer.id)
        throw new BadInputError(field, 'coupon', "Not one of this customer's coupons.");
      assertUsable(coupon);
      const product = await coupon.cardProduct!.load();
      if (afterDiscount < (product!.couponMinSpend ?? 0))
        throw new BadInputError(
          field,
          'minSpend',
          `${product!.name} needs a total of at least ${product!.couponMinSpend} 分.`,
        );
      entries.push(
        post(em, this.viewer, operationId, coupon, {
          kind: LedgerEntryKind.REDEEM,
          unitsDelta: -1,
          note: product!.name,
          ...context,
        }),
      );
      taken += Math.min(product!.couponValue ?? 0, afterDiscount - taken);
    }
    return taken;
  }

  /** 推荐奖励: once, when the referred customer first pays money. */
  private async rewardReferrer(
    em: EntityManager,
    operationId: string,
    customer: Customer,
    organization: Organization,
    moneyPaid: number,
  ) {
    if (!customer.referrer || moneyPaid <= 0 || organization.referralRewardPoints <= 0) return [];
    // Conditional, and not through the entity: the reward is once per customer, and the customer's
    // optimistic-lock version (what front-desk edits compare) stays as it is.
    const claimed = await em
      .getConnection()
      .execute<{ id: string }[]>(
        `update customer set referral_rewarded_at = now() where id = ? and referral_rewarded_at is null returning id`,
        [customer.id],
        'all',
        em.getTransactionContext(),
      );
    if (claimed.length === 0) return [];
    const referrer = await em.findOneOrFail(Customer, { id: customer.referrer.id });
    const account = await walletOf(em, this.viewer, referrer, AccountKind.POINTS);
    return [
      post(em, this.viewer, operationId, account, {
        kind: LedgerEntryKind.EARN,
        unitsDelta: organization.referralRewardPoints,
        expiresAt: pointsExpiry(organization),
        note: `推荐奖励: ${customer.name}`,
      }),
    ];
  }
}

/**
 * One checkout per customer at a time: the referral reward and the tier see every earlier payment.
 * FOR NO KEY UPDATE, not FOR UPDATE: every posting locks its account and then takes FOR KEY SHARE on
 * the customer (the ledger's foreign key), which FOR UPDATE blocks; a checkout waiting for that
 * account deadlocked with it. Checkouts still exclude each other, and no posting waits for them.
 */
async function lockCustomer(em: EntityManager, customerId: string): Promise<Customer> {
  await em
    .getConnection()
    .execute(
      `select 1 from customer where id = ? for no key update`,
      [customerId],
      'all',
      em.getTransactionContext(),
    );
  return em.findOneOrFail(Customer, { id: customerId });
}
