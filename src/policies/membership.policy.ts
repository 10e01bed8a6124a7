import { Role } from '../entities/enums';
import { grant, type Grant } from './grant';
import type { PolicyMap } from './policy-map';

const { OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION } = Role;

/** Balances and history: the staff who sell (顾问, 前台), the POS, and management. Never therapists. */
const balanceReaders = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION);
/** Sales and charges: the same people; a POS key needs the ledger:write scope. */
const sellers = grant.ledgerWriters(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION);
/** Refunds and reversals: MANAGER or OWNER only. */
const reversers = grant.writers(OWNER, MANAGER);
const managers = grant.writers(OWNER, MANAGER);
/** Tiers are aggregates MARKETING may see (PRODUCT.md); therapists see nothing of money. */
const tierReaders = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION);

const fields = (names: string[], fieldGrant: Grant) =>
  Object.fromEntries(names.map((name) => [name, fieldGrant]));

export const membershipPolicy: PolicyMap = {
  Query: {
    account: balanceReaders,
    ledgerEntries: balanceReaders,
    ledgerCheck: grant.roles(OWNER, MANAGER),
    cardProducts: grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION),
    membershipTiers: tierReaders,
  },
  Mutation: {
    ...fields(['sellCard', 'chargeStoredValue', 'redeemPunch', 'earnPoints', 'redeemPoints'], sellers),
    reverseLedgerEntry: reversers,
    refundStoredValue: reversers,
    expirePoints: managers,
    freezeAccount: grant.writers(OWNER, MANAGER, FRONT_DESK),
    unfreezeAccount: grant.writers(OWNER, MANAGER, FRONT_DESK),
    createCardProduct: managers,
    setCardProductActive: managers,
    createMembershipTier: managers,
    updateMembershipTier: managers,
    evaluateMembershipTiers: managers,
    settleVisit: sellers,
  },
  Customer: { accounts: balanceReaders, tier: tierReaders, tierHistory: tierReaders },
  MembershipTier: fields(
    [
      'id',
      'name',
      'rank',
      'discountBasisPoints',
      'pointsMultiplierPercent',
      'benefits',
      'minSpend',
      'minVisits',
    ],
    tierReaders,
  ),
  TierChange: fields(['fromTier', 'toTier', 'reason', 'createdAt'], tierReaders),
  Settlement: fields(
    [
      'id',
      'visitId',
      'tier',
      'subtotal',
      'discount',
      'couponDiscount',
      'due',
      'storedValuePaid',
      'pointsRedeemed',
      'pointsValue',
      'externalPayments',
      'punchesUsed',
      'pointsEarned',
      'createdAt',
    ],
    balanceReaders,
  ),
  ExternalPayment: fields(['method', 'amount', 'reference'], balanceReaders),
  CheckoutPayload: fields(['settlement', 'entries', 'dryRun'], balanceReaders),
  CardProduct: fields(
    [
      'id',
      'code',
      'name',
      'kind',
      'price',
      'principal',
      'bonus',
      'uses',
      'services',
      'validityDays',
      'startsOnFirstUse',
      'active',
      'couponValue',
      'couponMinSpend',
    ],
    grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION),
  ),
  Account: fields(
    [
      'id',
      'kind',
      'status',
      'name',
      'cardProduct',
      'principal',
      'bonus',
      'balance',
      'units',
      'validUntil',
      'firstUsedAt',
      'frozenAt',
      'createdAt',
    ],
    balanceReaders,
  ),
  LedgerEntry: fields(
    [
      'id',
      'kind',
      'account',
      'principalDelta',
      'bonusDelta',
      'unitsDelta',
      'principalAfter',
      'bonusAfter',
      'unitsAfter',
      'reversesId',
      'operationId',
      'storeId',
      'visitId',
      'serviceId',
      'amountPaid',
      'paymentMethod',
      'paymentReference',
      'expiresAt',
      'note',
      'createdAt',
    ],
    balanceReaders,
  ),
  LedgerEntryConnection: fields(['edges', 'pageInfo', 'totalCount'], balanceReaders),
  LedgerEntryEdge: fields(['cursor', 'node'], balanceReaders),
  LedgerPosting: fields(['operationId', 'dryRun', 'entries'], balanceReaders),
  LedgerCheck: fields(['accountsChecked', 'mismatches'], grant.roles(OWNER, MANAGER)),
  BalanceMismatch: fields(['account', 'principal', 'bonus', 'units'], grant.roles(OWNER, MANAGER)),
};
