import type { EntityManager } from '@mikro-orm/postgresql';
import { Account, CardProduct, Customer, Organization, ServiceItem, Store } from '../../entities';
import {
  AccountKind,
  CardProductKind,
  LedgerEntryKind,
  SpendingOrder,
} from '../../entities/membership/membership.enums';
import type {
  ChargeStoredValueInput,
  PointsInput,
  RedeemPunchInput,
  SellCardInput,
} from '../../schema/membership/membership.inputs';
import { BadInputError, ConflictError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { assertUsable, lockAccount, post } from './ledger';
import { runPosting, type Posting } from './posting';
import { usePunch } from './punch-cards';
import { expireAllPoints, expireDuePoints, pointsExpiry, walletOf } from './wallets';

const DAY = 86_400_000;

/** Selling cards and taking from them: every change is a ledger entry, every request idempotent. */
export class MembershipService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  /** 售卡: stored value is credited to the customer's one wallet; a punch card becomes a new account. */
  sellCard(input: SellCardInput): Promise<Posting> {
    const { idempotencyKey, dryRun, ...request } = input;
    return runPosting(
      this.em,
      this.viewer,
      'sellCard',
      request,
      { idempotencyKey, dryRun },
      async (em, operationId) => {
        const customer = await this.customer(em, input.customerId);
        if (input.storeId && !(await em.findOne(Store, { id: input.storeId })))
          throw new NotFoundError('Store', input.storeId);
        const product = await em.findOne(CardProduct, { id: input.cardProductId });
        if (!product) throw new NotFoundError('CardProduct', input.cardProductId);
        if (!product.active)
          throw new BadInputError('cardProductId', 'active', `${product.name} is no longer sold.`);
        const paid = product.price > 0;
        if (paid && !input.payment)
          throw new BadInputError('payment', 'required', `${product.name} costs money: say how it was paid.`);
        const sale = {
          storeId: input.storeId,
          amountPaid: paid ? product.price : undefined,
          paymentMethod: paid ? input.payment?.method : undefined,
          paymentReference: paid ? input.payment?.reference : undefined,
          note: product.name,
        };
        if (product.kind === CardProductKind.STORED_VALUE) {
          const wallet = await walletOf(em, this.viewer, customer, AccountKind.STORED_VALUE);
          return [
            post(em, this.viewer, operationId, wallet, {
              kind: LedgerEntryKind.TOP_UP,
              principalDelta: product.principal,
              bonusDelta: product.bonus,
              ...sale,
            }),
          ];
        }
        const now = new Date();
        const coupon = product.kind === CardProductKind.COUPON;
        const card = em.create(Account, {
          organization: this.viewer.organizationId,
          customer,
          kind: coupon ? AccountKind.COUPON : AccountKind.PUNCH_CARD,
          cardProduct: product,
          startsOnFirstUse: product.startsOnFirstUse,
          validityDays: product.validityDays,
          validUntil:
            product.validityDays && !product.startsOnFirstUse
              ? new Date(now.getTime() + product.validityDays * DAY)
              : undefined,
        });
        return [
          post(em, this.viewer, operationId, card, {
            kind: LedgerEntryKind.ISSUE,
            unitsDelta: coupon ? 1 : product.uses!,
            ...sale,
          }),
        ];
      },
    );
  }

  /** 储值消费 in the organization's spending order (bonus last by default). */
  chargeStoredValue(input: ChargeStoredValueInput): Promise<Posting> {
    const { idempotencyKey, dryRun, ...request } = input;
    return runPosting(
      this.em,
      this.viewer,
      'chargeStoredValue',
      request,
      { idempotencyKey, dryRun },
      async (em, operationId) => {
        const customer = await this.customer(em, input.customerId);
        const wallet = await walletOf(em, this.viewer, customer, AccountKind.STORED_VALUE);
        assertUsable(wallet);
        const organization = await em.findOneOrFail(Organization, { id: this.viewer.organizationId });
        const split = splitCharge(wallet, input.amountMinorUnits, organization.spendingOrder);
        return [
          post(em, this.viewer, operationId, wallet, {
            kind: LedgerEntryKind.CHARGE,
            principalDelta: -split.principal,
            bonusDelta: -split.bonus,
            storeId: input.storeId,
            note: input.note,
          }),
        ];
      },
    );
  }

  /** 核销 one use; the first use starts a validity that counts from it. */
  redeemPunch(input: RedeemPunchInput): Promise<Posting> {
    const { idempotencyKey, dryRun, ...request } = input;
    return runPosting(
      this.em,
      this.viewer,
      'redeemPunch',
      request,
      { idempotencyKey, dryRun },
      async (em, operationId) => {
        const card = await lockAccount(em, input.accountId);
        const service = await em.findOne(ServiceItem, { id: input.serviceId });
        if (!service) throw new NotFoundError('ServiceItem', input.serviceId);
        const fields = { account: 'accountId', service: 'serviceId' };
        return [
          await usePunch(em, this.viewer, operationId, card, service, fields, { storeId: input.storeId }),
        ];
      },
    );
  }

  earnPoints(input: PointsInput): Promise<Posting> {
    const { idempotencyKey, dryRun, ...request } = input;
    return runPosting(
      this.em,
      this.viewer,
      'earnPoints',
      request,
      { idempotencyKey, dryRun },
      async (em, operationId) => {
        const customer = await this.customer(em, input.customerId);
        const account = await walletOf(em, this.viewer, customer, AccountKind.POINTS);
        const organization = await em.findOneOrFail(Organization, { id: this.viewer.organizationId });
        const expiresAt = pointsExpiry(organization);
        return [
          post(em, this.viewer, operationId, account, {
            kind: LedgerEntryKind.EARN,
            unitsDelta: input.points,
            expiresAt,
            note: input.note,
          }),
        ];
      },
    );
  }

  /** Expired points go first (an EXPIRE entry), so a redemption never spends points that lapsed. */
  redeemPoints(input: PointsInput): Promise<Posting> {
    const { idempotencyKey, dryRun, ...request } = input;
    return runPosting(
      this.em,
      this.viewer,
      'redeemPoints',
      request,
      { idempotencyKey, dryRun },
      async (em, operationId) => {
        const customer = await this.customer(em, input.customerId);
        const account = await walletOf(em, this.viewer, customer, AccountKind.POINTS);
        assertUsable(account);
        const expired = await expireDuePoints(em, this.viewer, operationId, account);
        const redeemed = post(em, this.viewer, operationId, account, {
          kind: LedgerEntryKind.REDEEM,
          unitsDelta: -input.points,
          note: input.note,
        });
        return [...expired, redeemed];
      },
    );
  }

  expirePoints(): Promise<number> {
    return expireAllPoints(this.em, this.viewer);
  }

  private async customer(em: EntityManager, id: string): Promise<Customer> {
    const customer = await em.findOne(Customer, { id });
    if (!customer) throw new NotFoundError('Customer', id);
    if (customer.archivedAt)
      throw new ConflictError('The customer is archived: restore them first.', { reason: 'ARCHIVED' });
    return customer;
  }
}

/** How much of a charge comes from principal and from bonus. */
export function splitCharge(
  wallet: Pick<Account, 'principal' | 'bonus'>,
  amount: number,
  order: SpendingOrder,
): { principal: number; bonus: number } {
  const total = wallet.principal + wallet.bonus;
  // Short: charge it all to the first bucket so post() reports INSUFFICIENT_BALANCE with the balance.
  if (amount > total) return { principal: amount, bonus: 0 };
  if (order === SpendingOrder.BONUS_FIRST) {
    const bonus = Math.min(amount, wallet.bonus);
    return { principal: amount - bonus, bonus };
  }
  if (order === SpendingOrder.PROPORTIONAL) {
    const bonus = Math.min(wallet.bonus, Math.floor((amount * wallet.bonus) / total));
    return { principal: amount - bonus, bonus };
  }
  const principal = Math.min(amount, wallet.principal);
  return { principal, bonus: amount - principal };
}
