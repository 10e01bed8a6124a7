import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../../entities';
import { AccountKind, AccountStatus } from '../../entities/membership/membership.enums';
import { AuditAction } from '../../entities/audit/audit.enums';
import { BadInputError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { lockAccount } from './ledger';
import { inTransaction } from '../transaction';

/** 冻结 / 解冻 of punch cards: a frozen card cannot be used; unfreezing extends its validity by the pause. */
export class AccountService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  setFrozen(id: string, frozen: boolean): Promise<Account> {
    return inTransaction(this.em, async (em) => {
      const account = await lockAccount(em, id);
      if (account.kind !== AccountKind.PUNCH_CARD)
        throw new BadInputError(
          'id',
          'punchCard',
          'Only punch and course cards are frozen; stored value and points are not.',
        );
      if ((account.status === AccountStatus.FROZEN) === frozen) return account;
      const now = new Date();
      if (frozen) {
        account.status = AccountStatus.FROZEN;
        account.frozenAt = now;
      } else {
        if (account.validUntil && account.frozenAt)
          account.validUntil = new Date(
            account.validUntil.getTime() + (now.getTime() - account.frozenAt.getTime()),
          );
        account.status = AccountStatus.ACTIVE;
        account.frozenAt = undefined;
      }
      this.audit.recordChange(em, AuditAction.UPDATE, 'Account', id, account.customer.id, [
        'status',
        ...(frozen ? [] : ['validUntil']),
      ]);
      return account;
    });
  }
}
