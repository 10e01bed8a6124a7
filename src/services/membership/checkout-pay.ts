import type { Account } from '../../entities';
import { AccountKind, LedgerEntryKind } from '../../entities/membership/membership.enums';
import type { PunchPaymentInput, SettleVisitInput } from '../../schema/membership/checkout.inputs';
import { BadInputError } from '../../core/errors';
import type { CheckoutRun } from './checkout-run';
import type { CheckoutPrice } from './checkout-price';
import { assertUsable, lockAccount, post } from './ledger';
import { splitCharge } from './membership.service';
import { usePunch } from './punch-cards';
import { expireDuePoints, walletOf } from './wallets';

/** What the customer pays besides punches, as the input offers it. */
export interface CheckoutPayments {
  pointsValue: number;
  /** Money, not points: stored value and external payments (what earns points and counts as spend). */
  moneyPaid: number;
}

/**
 * Decides which lines punch cards pay for: each a line of this visit, punched once, with one of the
 * customer's cards that covers its service. Runs before pricing (a punched line has no price), so
 * the cards are locked, in input order, before any coupon or wallet. Returns the punched line ids.
 */
export async function payByPunches(run: CheckoutRun, punches: PunchPaymentInput[]): Promise<Set<string>> {
  const { em, viewer, operationId, visit, customer, context } = run;
  const punched = new Set<string>();
  for (const [index, punch] of punches.entries()) {
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
    run.entries.push(
      await usePunch(em, viewer, operationId, card, await line.service.loadOrFail(), target, context),
    );
  }
  return punched;
}

/** Decides whether the payments offered (stored value, points at their value, external) are exactly what is due. */
export function checkPaymentsAddUp(
  run: CheckoutRun,
  price: CheckoutPrice,
  input: SettleVisitInput,
): CheckoutPayments {
  const pointsValue = input.pointsToRedeem * run.organization.pointValueMinorUnits;
  const external = input.externalPayments.reduce((sum, payment) => sum + payment.amountMinorUnits, 0);
  const offered = input.storedValueMinorUnits + pointsValue + external;
  if (offered !== price.due)
    throw new BadInputError(
      'payments',
      'sum',
      `The payments add up to ${offered} 分 but ${price.due} 分 is due (${price.subtotal} list price − ${price.discount} ${run.tier?.name ?? ''} discount − ${price.couponDiscount} coupons).`,
    );
  return { pointsValue, moneyPaid: input.storedValueMinorUnits + external };
}

/**
 * Takes the stored value (split between principal and bonus by the organization's spending order)
 * and then the points, lapsed points written off first. External payments need no posting: the
 * settlement records them. Returns the points account when the visit redeems or may earn points
 * (something is due), locked after the stored-value one; null otherwise.
 */
export async function payFromWallets(
  run: CheckoutRun,
  input: SettleVisitInput,
  due: number,
): Promise<Account | null> {
  const { em, viewer, operationId, customer, organization, context } = run;
  if (input.storedValueMinorUnits > 0) {
    const wallet = await walletOf(em, viewer, customer, AccountKind.STORED_VALUE);
    assertUsable(wallet);
    const split = splitCharge(wallet, input.storedValueMinorUnits, organization.spendingOrder);
    run.entries.push(
      post(em, viewer, operationId, wallet, {
        kind: LedgerEntryKind.CHARGE,
        principalDelta: -split.principal,
        bonusDelta: -split.bonus,
        ...context,
      }),
    );
  }
  const points =
    input.pointsToRedeem > 0 || due > 0 ? await walletOf(em, viewer, customer, AccountKind.POINTS) : null;
  if (points && input.pointsToRedeem > 0) {
    assertUsable(points);
    run.entries.push(...(await expireDuePoints(em, viewer, operationId, points)));
    run.entries.push(
      post(em, viewer, operationId, points, {
        kind: LedgerEntryKind.REDEEM,
        unitsDelta: -input.pointsToRedeem,
        ...context,
      }),
    );
  }
  return points;
}
