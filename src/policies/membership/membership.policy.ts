import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION } = Role;

/** Balances and history: the staff who sell (顾问, 前台), the POS, and management. Never therapists. */
export const balanceReaders = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION);
/** Sales and charges: the same people; a POS key needs the ledger:write scope. */
export const sellers = grant.ledgerWriters(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION);
/** Refunds and reversals: MANAGER or OWNER only. */
const reversers = grant.writers(OWNER, MANAGER);
const managers = grant.writers(OWNER, MANAGER);
/** Tiers are aggregates MARKETING may see (PRODUCT.md); therapists see nothing of money. */
const tierReaders = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION);

export const membershipPolicy: PolicyMap = {
  Query: {
    account: balanceReaders,
    ledgerEntries: balanceReaders,
    ledgerCheck: grant.roles(OWNER, MANAGER),
    cardProducts: grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION),
    membershipTiers: tierReaders,
  },
  Mutation: {
    ...fieldsOf(['sellCard', 'chargeStoredValue', 'redeemPunch', 'earnPoints', 'redeemPoints'], sellers),
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
  },
  Customer: { accounts: balanceReaders, tier: tierReaders, tierHistory: tierReaders },
  MembershipTier: fieldsOf(
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
  TierChange: fieldsOf(['fromTier', 'toTier', 'reason', 'createdAt'], tierReaders),
  CardProduct: fieldsOf(
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
  Account: fieldsOf(
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
  LedgerEntry: fieldsOf(
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
  LedgerEntryConnection: fieldsOf(['edges', 'pageInfo', 'totalCount'], balanceReaders),
  LedgerEntryEdge: fieldsOf(['cursor', 'node'], balanceReaders),
  LedgerPosting: fieldsOf(['operationId', 'dryRun', 'entries'], balanceReaders),
  LedgerCheck: fieldsOf(['accountsChecked', 'mismatches'], grant.roles(OWNER, MANAGER)),
  BalanceMismatch: fieldsOf(['account', 'principal', 'bonus', 'units'], grant.roles(OWNER, MANAGER)),
};
