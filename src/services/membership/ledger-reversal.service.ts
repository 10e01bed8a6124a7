import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, LedgerEntry } from '../../entities';
import { AccountKind, LedgerEntryKind } from '../../entities/membership/membership.enums';
import type { RefundStoredValueInput, ReverseEntryInput } from '../../schema/membership/membership.inputs';
import { BadInputError, ConflictError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { lockAccount, post } from './ledger';
import { walletOf } from './wallets';
import { runPosting, type Posting } from './posting';
import { withConstraintRules, type UniqueRule } from '../constraint-errors';

const ONCE: UniqueRule[] = [
  {
    constraint: 'ledger_entry_reverses_id_unique',
    field: 'entryId',
    reason: 'ALREADY_REVERSED',
    message: 'This entry was reversed already.',
  },
];

/**
 * 冲正 / 退款: a reversing entry linked to the original, never an edit. Reversing a sale also
 * records the money paid back (negative amountPaid, same payment method). Each entry is reversed at
 * most once: checked here, and by a unique index on reverses_id.
 */
export class LedgerReversalService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  reverse(input: ReverseEntryInput): Promise<Posting> {
    const { idempotencyKey, dryRun, ...request } = input;
    return runPosting(
      this.em,
      this.viewer,
      'reverseEntry',
      request,
      { idempotencyKey, dryRun },
      async (em, operationId) => {
        const original = await em.findOne(LedgerEntry, { id: input.entryId });
        if (!original) throw new NotFoundError('LedgerEntry', input.entryId);
        if (original.kind === LedgerEntryKind.REVERSAL)
          throw new BadInputError(
            'entryId',
            'notReversal',
            'A reversal cannot be reversed: post the movement again instead.',
          );
        const account = await lockAccount(em, original.account.id);
        if (await em.count(LedgerEntry, { reverses: original.id }))
          throw new ConflictError('This entry was reversed already.', { reason: 'ALREADY_REVERSED' });
        // Two reversals racing past the check meet the unique index on reverses_id.
        return withConstraintRules(ONCE, async () => {
          const reversal = post(em, this.viewer, operationId, account, {
            kind: LedgerEntryKind.REVERSAL,
            principalDelta: -original.principalDelta,
            bonusDelta: -original.bonusDelta,
            unitsDelta: -original.unitsDelta,
            reverses: original,
            storeId: original.storeId,
            visitId: original.visitId,
            serviceId: original.serviceId,
            amountPaid: original.amountPaid ? -original.amountPaid : undefined,
            paymentMethod: original.paymentMethod,
            note: input.reason.trim(),
          });
          await em.flush();
          return [reversal];
        });
      },
    );
  }

  /** 退卡: the remaining principal is paid back (negative amountPaid); the bonus is forfeited. */
  refundStoredValue(input: RefundStoredValueInput): Promise<Posting> {
    const { idempotencyKey, dryRun, ...request } = input;
    return runPosting(
      this.em,
      this.viewer,
      'refundStoredValue',
      request,
      { idempotencyKey, dryRun },
      async (em, operationId) => {
        const customer = await em.findOne(Customer, { id: input.customerId });
        if (!customer) throw new NotFoundError('Customer', input.customerId);
        const wallet = await walletOf(em, this.viewer, customer, AccountKind.STORED_VALUE);
        if (wallet.principal + wallet.bonus === 0)
          throw new BadInputError('customerId', 'balance', 'There is no stored value left to refund.');
        return [
          post(em, this.viewer, operationId, wallet, {
            kind: LedgerEntryKind.REFUND,
            principalDelta: -wallet.principal,
            bonusDelta: -wallet.bonus,
            amountPaid: -wallet.principal,
            paymentMethod: input.payment.method,
            paymentReference: input.payment.reference,
            note: input.reason.trim(),
          }),
        ];
      },
    );
  }
}
