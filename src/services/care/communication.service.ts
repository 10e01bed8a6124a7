import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Communication, Customer, Store } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { FollowUpStatus } from '../../entities/care/care.enums';
import { Role } from '../../entities/access/access.enums';
import type {
  FollowUpFilter,
  RecordCommunicationInput,
  UpdateCommunicationInput,
} from '../../schema/care/care.inputs';
import { BadInputError, ForbiddenError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { changedFields } from '../changes';
import { pageByTime } from '../newest-first';
import { optionalText, requiredText } from '../text-input';
import { activeStaff, CONTACT_ROLES } from '../staff/staff-reference';
import { assertVersion, withUniqueConflicts } from '../constraint-errors';
import { inTransaction } from '../transaction';

const DAY = 86_400_000;
const NOBODY = '00000000-0000-0000-0000-000000000000';
const NEWEST_CONTACT_FIRST = { property: 'occurredAt', column: 'occurred_at', direction: 'desc' } as const;
const SOONEST_DUE_FIRST = { property: 'dueAt', column: 'due_at', direction: 'asc' } as const;

/** 沟通记录 and their follow-ups. An entry with follow-up items is OPEN with an owner and a due date. */
export class CommunicationService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  forCustomer(customerId: string, args: { first?: number; after?: string }) {
    return pageByTime(this.em, Communication, { customer: customerId }, args, NEWEST_CONTACT_FIRST);
  }

  /** The caller's follow-ups by due date. */
  mine(args: { first?: number; after?: string; filter?: FollowUpFilter }) {
    return this.followUps({ ...args, filter: { ...args.filter, ownerId: this.viewer.userId ?? NOBODY } });
  }

  /** Follow-ups by due date, of one staff member when `ownerId` is given, else of everyone. */
  followUps(args: { first?: number; after?: string; filter?: FollowUpFilter }) {
    const filter = args.filter ?? {};
    const where: FilterQuery<Communication> = {
      ...(filter.ownerId ? { owner: filter.ownerId } : {}),
      status: filter.status ?? FollowUpStatus.OPEN,
      dueAt: {
        $ne: null,
        ...(filter.dueBefore ? { $lte: filter.dueBefore } : {}),
        ...(filter.dueAfter ? { $gte: filter.dueAfter } : {}),
      },
    };
    return pageByTime(this.em, Communication, where, args, SOONEST_DUE_FIRST);
  }

  record(input: RecordCommunicationInput): Promise<Communication> {
    const summary = requiredText('summary', input.summary, 2000);
    const followUpItems = optionalText('followUpItems', input.followUpItems, 2000);
    const occurredAt = input.occurredAt ?? new Date();
    if (occurredAt.getTime() > Date.now() + 5 * 60_000)
      throw new BadInputError(
        'occurredAt',
        'future',
        'occurredAt lies in the future: log contacts that happened.',
      );
    return inTransaction(this.em, async (em) => {
      const customer = await em.findOne(Customer, { id: input.customerId, archivedAt: null });
      if (!customer) throw new NotFoundError('Customer', input.customerId);
      if (input.storeId && !(await em.findOne(Store, { id: input.storeId })))
        throw new NotFoundError('Store', input.storeId);
      const ownerId = followUpItems ? (input.ownerId ?? this.viewer.userId) : undefined;
      const owner = ownerId ? await activeStaff(em, 'ownerId', ownerId, CONTACT_ROLES) : undefined;
      const entry = em.create(Communication, {
        organization: this.viewer.organizationId,
        customer,
        store: input.storeId,
        occurredAt,
        channel: input.channel,
        summary,
        followUpItems,
        owner,
        dueAt: followUpItems ? (input.dueAt ?? new Date(occurredAt.getTime() + DAY)) : undefined,
        status: followUpItems ? FollowUpStatus.OPEN : FollowUpStatus.DONE,
        recordedBy: this.viewer.userId,
      });
      this.audit.recordChange(em, AuditAction.CREATE, 'Communication', entry.id, customer.id, [
        'channel',
        'summary',
        ...(followUpItems ? ['followUpItems'] : []),
      ]);
      return entry;
    });
  }

  update(input: UpdateCommunicationInput): Promise<Communication> {
    return withUniqueConflicts([], () =>
      inTransaction(this.em, async (em) => {
        const entry = await em.findOne(
          Communication,
          { id: input.id },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        if (!entry) throw new NotFoundError('Communication', input.id);
        await this.assertMayChange(em, entry);
        assertVersion('The communication', entry.version, input.expectedVersion);
        const followUpItems =
          input.followUpItems === undefined
            ? undefined
            : optionalText('followUpItems', input.followUpItems, 2000);
        const fields = changedFields(entry, {
          status: input.status ?? undefined,
          followUpItems,
          dueAt: input.dueAt ?? undefined,
        });
        if (input.ownerId && entry.owner?.id !== input.ownerId) {
          entry.owner = await activeStaff(em, 'ownerId', input.ownerId, CONTACT_ROLES);
          fields.push('owner');
        }
        if (entry.status === FollowUpStatus.OPEN && (!entry.owner || !entry.dueAt || !entry.followUpItems))
          throw new BadInputError(
            'status',
            'incomplete',
            'An OPEN follow-up needs followUpItems, an owner and a due date.',
          );
        if (fields.length > 0)
          this.audit.recordChange(
            em,
            AuditAction.UPDATE,
            'Communication',
            entry.id,
            entry.customer.id,
            fields,
          );
        return entry;
      }),
    );
  }

  /** A consultant changes only follow-ups they own or recorded, or of customers assigned to them. */
  private async assertMayChange(em: EntityManager, entry: Communication) {
    if (this.viewer.role !== Role.CONSULTANT) return;
    const me = this.viewer.userId;
    if (entry.owner?.id === me || entry.recordedBy?.id === me) return;
    const customer = await em.findOneOrFail(Customer, { id: entry.customer.id });
    if (customer.assignedConsultant?.id !== me)
      throw new ForbiddenError('A consultant changes only their own follow-ups or those of their customers.');
  }
}
