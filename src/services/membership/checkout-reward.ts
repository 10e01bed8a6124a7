import { Customer, type Account, type LedgerEntry } from '../../entities';
import { AccountKind, LedgerEntryKind } from '../../entities/membership/membership.enums';
import type { CheckoutRun } from './checkout-run';
import { post } from './ledger';
import { evaluateTiers } from './tier-evaluation';
import { pointsExpiry, walletOf } from './wallets';

/**
 * Decides the points the visit earns: money paid (not points) × the organization's points per
 * yuan × the tier's multiplier (percent), rounded down; posted on the points account, expiring
 * under the organization's setting. Returns the points earned (0 when none is posted).
 */
export function earnPoints(run: CheckoutRun, points: Account | null, moneyPaid: number): number {
  const { em, viewer, operationId, organization, tier, context } = run;
  const pointsEarned = Math.floor(
    (moneyPaid * organization.pointsPerYuan * (tier?.pointsMultiplierPercent ?? 100)) / 10_000,
  );
  if (points && pointsEarned > 0)
    run.entries.push(
      post(em, viewer, operationId, points, {
        kind: LedgerEntryKind.EARN,
        unitsDelta: pointsEarned,
        expiresAt: pointsExpiry(organization),
        note: '消费积分',
        ...context,
      }),
    );
  return pointsEarned;
}

/** 推荐奖励: once, when the referred customer first pays money. */
export async function rewardReferrer(run: CheckoutRun, moneyPaid: number): Promise<LedgerEntry[]> {
  const { em, viewer, operationId, customer, organization } = run;
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
  const account = await walletOf(em, viewer, referrer, AccountKind.POINTS);
  return [
    post(em, viewer, operationId, account, {
      kind: LedgerEntryKind.EARN,
      unitsDelta: organization.referralRewardPoints,
      expiresAt: pointsExpiry(organization),
      note: `推荐奖励: ${customer.name}`,
    }),
  ];
}

/**
 * Adds the money paid to the customer's lifetime spend and re-evaluates the tier, which reads the
 * settlement from the database: the caller has flushed it. An increment in SQL, as the referral
 * claim: the customer's optimistic-lock version stays as it is.
 */
export async function recordSpendAndTier(run: CheckoutRun, moneyPaid: number): Promise<void> {
  const { em, viewer, customer } = run;
  await em
    .getConnection()
    .execute(
      `update customer set lifetime_spend = lifetime_spend + ? where id = ?`,
      [moneyPaid, customer.id],
      'run',
      em.getTransactionContext(),
    );
  await evaluateTiers(em, viewer.organizationId, customer.id);
}
