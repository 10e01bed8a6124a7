import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type { MergeField } from '../../entities/customers/customer-merge.enums';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../core/errors';
import { HEALTH_ACCESS } from '../../core/health-access';
import { isUuid } from '../../core/uuid';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { assertVersion } from '../constraint-errors';
import { runIdempotent } from '../idempotency';
import { evaluateTiers } from '../membership/tier-evaluation';
import { mergeCustomerFields, type MergeConflict } from './customer-merge-fields';
import { mergeHealthProfiles } from './customer-merge-health';
import { transferBalances } from './customer-merge-ledger';
import { HEALTH_KINDS, moveCustomerRows, type MovedCount } from './customer-merge-rows';
import { moveIdentifiers } from './customer-merge-identifiers';

export interface MergeCustomersInput {
  survivorId: string;
  mergedId: string;
  survivorVersion: number;
  mergedVersion: number;
  /** Fields where both have a value and the merged one's should win. */
  takeFromMerged?: MergeField[];
  idempotencyKey: string;
}

export interface MergeOutcome {
  survivor: Customer;
  merged: Customer;
  /** The ledger operation of the TRANSFER entries (ledgerEntries lists them). */
  operationId: string;
  transfers: number;
  conflicts: MergeConflict[];
  moved: MovedCount[];
}

/** What a replay of the same key needs: ids, field names and counts; never a value. */
type Kept = Omit<MergeOutcome, 'survivor' | 'merged'> & { survivorId: string; mergedId: string };

/**
 * 合并客户: folds a duplicate into the survivor in one transaction. The merged record stays (id and
 * code, `mergedInto`, archived), everything that happened with it belongs to the survivor afterwards,
 * its balances move by TRANSFER entries, and one MERGE audit row names both and what moved.
 */
export class CustomerMergeService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async merge(input: MergeCustomersInput): Promise<MergeOutcome> {
    for (const field of ['survivorId', 'mergedId'] as const)
      if (!isUuid(input[field]))
        throw new BadInputError(
          field,
          'uuid',
          `${field} is not a customer id: pass an id returned by this API.`,
        );
    if (input.survivorId === input.mergedId)
      throw new BadInputError('mergedId', 'distinct', 'A customer cannot be merged into themself.');
    // Health records move with the rest: only roles that write every customer's health data merge.
    const access = HEALTH_ACCESS[this.viewer.role];
    if (access.SAFETY !== 'ALWAYS' || access.CLINICAL !== 'ALWAYS')
      throw new ForbiddenError('Merging moves health records: only OWNER and MANAGER merge customers.');
    const { idempotencyKey, ...request } = input;
    const choices = [...new Set(request.takeFromMerged ?? [])].sort();
    return runIdempotent<MergeOutcome, Kept>(
      this.em,
      this.viewer,
      { operation: 'mergeCustomers', key: idempotencyKey, input: { ...request, takeFromMerged: choices } },
      {
        run: (em) => this.run(em, { ...input, takeFromMerged: choices }),
        remember: ({ survivor, merged, ...rest }) => ({
          ...rest,
          survivorId: survivor.id,
          mergedId: merged.id,
        }),
        replay: async (em, { survivorId, mergedId, ...rest }) => ({
          ...rest,
          survivor: await em.findOneOrFail(Customer, { id: survivorId }),
          merged: await em.findOneOrFail(Customer, { id: mergedId }),
        }),
      },
    );
  }

  private async run(em: EntityManager, input: MergeCustomersInput): Promise<MergeOutcome> {
    const { survivor, merged } = await this.lockBoth(em, input);
    const fields = mergeCustomerFields(survivor, merged, new Set(input.takeFromMerged));
    const now = new Date();
    merged.mergedInto = em.getReference(Customer, survivor.id, { wrapped: true });
    merged.mergedAt = now;
    // Archived, it leaves every list and search (`includeArchived` finds it) and takes no postings.
    merged.archivedAt ??= now;
    merged.visitCount = 0;
    merged.lifetimeSpend = 0;
    merged.lastVisitAt = undefined;
    await moveIdentifiers(em, survivor, merged, fields);
    const health = await mergeHealthProfiles(em, survivor.id, merged.id, new Set(input.takeFromMerged));
    await em.flush();
    const rows = await moveCustomerRows(em, this.viewer.organizationId, survivor.id, merged.id);
    const operationId = randomUUID();
    const entries = await transferBalances(em, this.viewer, operationId, survivor, merged);
    await em.flush();
    // Visits and settlements moved: the survivor's tier is decided on the whole history now.
    await evaluateTiers(em, this.viewer.organizationId, survivor.id);
    const conflicts = [...fields.conflicts, ...health.conflicts, ...rows.conflicts];
    const moved = [...rows.moved, ...(health.merged ? [{ kind: 'healthProfile', count: 1 }] : [])];
    this.audit.recordChange(em, AuditAction.MERGE, 'Customer', merged.id, survivor.id, [
      'mergedInto',
      ...fields.filled.map((field) => `filled.${field}`),
      ...conflicts.map((conflict) => `conflict.${conflict.field}`),
      ...moved.map((count) => `moved.${count.kind}`),
      ...(entries.length ? ['ledger.TRANSFER'] : []),
      ...(health.merged || moved.some((count) => HEALTH_KINDS.has(count.kind)) ? ['health'] : []),
    ]);
    await em.flush();
    await em.refresh(survivor);
    await em.refresh(merged);
    return { survivor, merged, operationId, transfers: entries.length, conflicts, moved };
  }

  /**
   * Both rows FOR UPDATE in id order (two merges of the same pair, either way round, queue instead of
   * deadlocking), then the checks that need the locked state: merged already, stale versions, erased.
   */
  private async lockBoth(em: EntityManager, input: MergeCustomersInput) {
    const rows = await em.find(
      Customer,
      { id: { $in: [input.survivorId, input.mergedId] } },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' }, refresh: true },
    );
    const byId = (id: string) => {
      const customer = rows.find((row) => row.id === id);
      if (!customer) throw new NotFoundError('Customer', id);
      if (customer.mergedInto)
        throw new ConflictError(
          `Customer ${customer.code} was merged into another customer already: merge into or from that one.`,
          { reason: 'MERGED', customerId: customer.id, mergedInto: customer.mergedInto.id },
        );
      if (customer.erasedAt)
        throw new ConflictError(`Customer ${customer.code} was erased: there is nothing left to merge.`, {
          reason: 'ERASED',
          customerId: customer.id,
        });
      return customer;
    };
    const survivor = byId(input.survivorId);
    const merged = byId(input.mergedId);
    assertVersion('Customer', survivor.version, input.survivorVersion);
    assertVersion('Customer', merged.version, input.mergedVersion);
    if (survivor.archivedAt)
      throw new ConflictError('The survivor is archived: restore them first, or merge the other way round.', {
        reason: 'ARCHIVED',
        customerId: survivor.id,
      });
    return { survivor, merged };
  }
}
