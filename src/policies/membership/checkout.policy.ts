import { fieldsOf, type PolicyMap } from '../policy-map';
import { balanceReaders, sellers } from './membership.policy';

/** 结账: whoever may sell may settle a visit; the settlement reads like the rest of the money. */
export const checkoutPolicy: PolicyMap = {
  Mutation: { settleVisit: sellers },
  Settlement: fieldsOf(
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
  ExternalPayment: fieldsOf(['method', 'amount', 'reference'], balanceReaders),
  CheckoutPayload: fieldsOf(['settlement', 'entries', 'dryRun'], balanceReaders),
};
