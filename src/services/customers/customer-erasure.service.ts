import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, User } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { BadInputError, ConflictError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { runIdempotent } from '../idempotency';
import { inTransaction } from '../transaction';
import { eraseCustomerData, erasedValues, pseudonymize } from './customer-erasure-steps';
import { pinyinKeys } from './pinyin';

/** The audit row's `reason` column holds it: at most 50 characters. */
const MAX_REASON_LENGTH = 50;

/** What the audit row of an erasure names: the parts that went, never their values. */
const ERASED_PARTS = [
  'personalData',
  'healthProfile',
  'healthRecords',
  'notes',
  'tags',
  'consents',
  'communications',
  'complaints',
  'careTasks',
];

export interface EraseCustomerRequest {
  id: string;
  reason: string;
  /** The customer's code (C000123), typed by the owner: an erasure cannot be undone. */
  confirm: string;
  idempotencyKey: string;
}

/**
 * 删除个人信息 (PIPL art. 47): in one transaction, the customer's health profile and records are
 * deleted, every free-text note about them cleared, their identifying fields replaced by a pseudonym
 * (已删除客户 C000123), their tags and consents removed, and the values they leave in the audit log and
 * in ledger notes rewritten. Visits, settlements, accounts and ledger amounts stay under the pseudonym,
 * so the books still balance. The erasure is an audit row (by whom, why), without the erased values.
 */
export class CustomerErasureService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  /** An owner's erasure on the customer's request; sent again with its key, it answers the same. */
  erase(request: EraseCustomerRequest): Promise<Customer> {
    const reason = reasonOf(request.reason);
    const input = { id: request.id, reason, confirm: request.confirm.trim() };
    return runIdempotent(
      this.em,
      this.viewer,
      { operation: 'eraseCustomer', key: request.idempotencyKey, input },
      {
        run: (em) => this.eraseIn(em, input.id, reason, input.confirm),
        remember: (customer) => ({ customerId: customer.id }),
        replay: (em, kept) => em.findOneOrFail(Customer, { id: kept.customerId }),
      },
    );
  }

  /** The retention rule's erasure (a job, as the system viewer): no confirmation, the rule is the reason. */
  eraseByRule(id: string, reason: string): Promise<Customer> {
    return inTransaction(this.em, (em) => this.eraseIn(em, id, reasonOf(reason), undefined));
  }

  private async eraseIn(
    em: EntityManager,
    id: string,
    reason: string,
    confirm: string | undefined,
  ): Promise<Customer> {
    // Locked first: a concurrent write to the customer waits and then meets the erased record.
    const customer = await em.findOne(Customer, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!customer) throw new NotFoundError('Customer', id);
    if (customer.erasedAt)
      throw new ConflictError(`Customer ${customer.code} was erased already.`, { reason: 'ERASED' });
    if (confirm !== undefined && confirm !== customer.code)
      throw new BadInputError(
        'confirm',
        'confirm',
        `confirm must be the customer's code (${customer.code}): an erasure cannot be undone.`,
      );
    if (customer.mergedInto)
      throw new ConflictError(
        `Customer ${customer.code} was merged into another customer, which holds the record now: erase that one (its merged records go with it).`,
        { reason: 'MERGED', mergedInto: customer.mergedInto.id },
      );
    if (erasedValues(customer).some((value) => reason.includes(value)))
      throw new BadInputError(
        'reason',
        'personalData',
        'The reason is kept in the audit log: do not name the customer, their phone or email in it.',
      );
    await this.eraseOne(em, customer, reason, []);
    // The records merged into this one (mergeCustomers) still hold the person's old name and numbers.
    for (const stub of await mergedStubs(em, customer.id))
      if (!stub.erasedAt) await this.eraseOne(em, stub, reason, ['mergedRecord']);
    await em.flush();
    return customer;
  }

  private async eraseOne(em: EntityManager, customer: Customer, reason: string, extra: string[]) {
    await eraseCustomerData(em, customer);
    const name = `已删除客户 ${customer.code}`;
    pseudonymize(customer, { name, ...pinyinKeys(name) });
    customer.erasedAt = new Date();
    customer.erasedBy = this.viewer.userId
      ? em.getReference(User, this.viewer.userId, { wrapped: true })
      : undefined;
    const parts = [...ERASED_PARTS, ...extra, ...(this.viewer.kind === 'SYSTEM' ? ['retentionRule'] : [])];
    this.audit.recordChange(em, AuditAction.ERASE, 'Customer', customer.id, customer.id, parts, reason);
  }
}

/** Every record merged into the customer, also through records merged into those, locked. */
async function mergedStubs(em: EntityManager, customerId: string): Promise<Customer[]> {
  const rows = await em.getConnection().execute<{ id: string }[]>(
    `with recursive stub as (
       select id from customer where merged_into_id = ?
       union select c.id from customer c join stub on c.merged_into_id = stub.id)
     select id from stub`,
    [customerId],
    'all',
    em.getTransactionContext(),
  );
  if (rows.length === 0) return [];
  return em.find(
    Customer,
    { id: { $in: rows.map((row) => row.id) } },
    { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
  );
}

function reasonOf(text: string): string {
  const reason = text.trim();
  if (!reason)
    throw new BadInputError('reason', 'required', 'Give the reason of the erasure, e.g. 客户本人书面申请.');
  if ([...reason].length > MAX_REASON_LENGTH)
    throw new BadInputError('reason', 'length', `reason is at most ${MAX_REASON_LENGTH} characters.`);
  return reason;
}
