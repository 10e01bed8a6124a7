import type { VisitLine } from '../../entities';
import { AccountKind, LedgerEntryKind } from '../../entities/membership/membership.enums';
import { BadInputError } from '../../core/errors';
import type { CheckoutRun } from './checkout-run';
import { assertUsable, lockAccount, post } from './ledger';

/** What the visit costs, in 分: the settlement keeps every figure. */
export interface CheckoutPrice {
  /** List price of the lines no punch paid for. */
  subtotal: number;
  /** The tier's discount on the subtotal. */
  discount: number;
  couponDiscount: number;
  /** What the payments must add up to. */
  due: number;
}

/**
 * Decides what is due: the list price of the lines not punched, less the tier's discount (basis
 * points, rounded down), less the coupons redeemed on what is left.
 */
export async function priceVisit(
  run: CheckoutRun,
  punched: Set<string>,
  couponIds: string[],
): Promise<CheckoutPrice> {
  const subtotal = run.visit.lines
    .getItems()
    .filter((line: VisitLine) => !punched.has(line.id))
    .reduce((sum, line) => sum + line.listPrice, 0);
  const discount = Math.floor((subtotal * (run.tier?.discountBasisPoints ?? 0)) / 10_000);
  const couponDiscount = await redeemCoupons(run, couponIds, subtotal - discount);
  return { subtotal, discount, couponDiscount, due: subtotal - discount - couponDiscount };
}

/**
 * 优惠券: each takes its value off what is left, once; a coupon's 满 threshold is checked first.
 * Coupons are locked in input order (repeats dropped), after the punch cards.
 */
async function redeemCoupons(run: CheckoutRun, couponIds: string[], afterDiscount: number): Promise<number> {
  const { em, viewer, operationId, customer, context } = run;
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
    run.entries.push(
      post(em, viewer, operationId, coupon, {
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
