import type { EntityManager } from '@mikro-orm/postgresql';
import { Settlement } from '../../entities';
import type { SettleVisitInput } from '../../schema/membership/checkout.inputs';
import type { Viewer } from '../../core/viewer';
import { checkPaymentsAddUp, payByPunches, payFromWallets, type CheckoutPayments } from './checkout-pay';
import { priceVisit, type CheckoutPrice } from './checkout-price';
import { earnPoints, recordSpendAndTier, rewardReferrer } from './checkout-reward';
import { openCheckout, type CheckoutRun } from './checkout-run';
import { runPostingWith, type Posting } from './posting';

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

  /**
   * The steps in the order they lock and write: the customer, then the punch cards, the coupons,
   * the stored-value and points accounts, then the referrer's points. The order was settled to avoid
   * deadlocks with concurrent postings (checkout-run.ts): keep it when changing a step.
   */
  private async run(em: EntityManager, operationId: string, input: SettleVisitInput) {
    const checkout = await openCheckout(em, this.viewer, operationId, input.visitId);
    // Punches first: a punched line is paid and has no price, and its card is locked before any coupon.
    const punched = await payByPunches(checkout, input.punches);
    const price = await priceVisit(checkout, punched, input.couponAccountIds);
    const payments = checkPaymentsAddUp(checkout, price, input);
    const points = await payFromWallets(checkout, input, price.due);
    const pointsEarned = earnPoints(checkout, points, payments.moneyPaid);
    const settlement = this.recordSettlement(checkout, input, price, payments, punched.size, pointsEarned);
    checkout.entries.push(...(await rewardReferrer(checkout, payments.moneyPaid)));
    await em.flush();
    await recordSpendAndTier(checkout, payments.moneyPaid);
    return { settlement, entries: checkout.entries };
  }

  /** The settlement row: what was due, how it was paid and what it earned, written by the next flush. */
  private recordSettlement(
    checkout: CheckoutRun,
    input: SettleVisitInput,
    price: CheckoutPrice,
    payments: CheckoutPayments,
    punchesUsed: number,
    pointsEarned: number,
  ): Settlement {
    return checkout.em.create(Settlement, {
      organization: this.viewer.organizationId,
      visit: checkout.visit,
      customer: checkout.customer,
      tier: checkout.tier ?? undefined,
      subtotal: price.subtotal,
      discount: price.discount,
      couponDiscount: price.couponDiscount,
      due: price.due,
      storedValuePaid: input.storedValueMinorUnits,
      pointsRedeemed: input.pointsToRedeem,
      pointsValue: payments.pointsValue,
      externalPayments: input.externalPayments.map((payment) => ({
        method: payment.method,
        amount: payment.amountMinorUnits,
        reference: payment.reference,
      })),
      punchesUsed,
      pointsEarned,
      operationId: checkout.operationId,
    });
  }
}
