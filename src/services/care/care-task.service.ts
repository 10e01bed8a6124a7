import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CareTask, Communication, User } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { FollowUpStatus } from '../../entities/care/care.enums';
import { Role } from '../../entities/access/access.enums';
import type {
  CancelCareTaskInput,
  CareTaskFilter,
  CompleteCareTaskInput,
} from '../../schema/care/care.inputs';
import { BadInputError, ForbiddenError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { runCareSchedule } from './care-schedule.service';
import { pageByTime } from '../newest-first';
import { requiredText } from '../text-input';
import { assertVersion, withUniqueConflicts } from '../constraint-errors';
import { inTransaction } from '../transaction';

const BY_DUE_DATE = { property: 'dueAt', column: 'due_at', direction: 'asc' } as const;
/** Roles that act on any task of the organization; others only on tasks they own. */
const TASK_MANAGERS = [Role.OWNER, Role.MANAGER, Role.FRONT_DESK];

/** Care tasks: lists by due date, completing and cancelling, and running the schedule on demand. */
export class CareTaskService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  list(args: { first?: number; after?: string; filter?: CareTaskFilter; mine?: boolean }) {
    const filter = args.filter ?? {};
    const where: FilterQuery<CareTask> = { status: filter.status ?? FollowUpStatus.OPEN };
    if (args.mine) where.owner = this.viewer.userId ?? null;
    else if (filter.ownerId) where.owner = filter.ownerId;
    if (filter.kinds?.length) where.kind = { $in: filter.kinds };
    if (filter.customerId) where.customer = filter.customerId;
    if (filter.storeId) where.store = filter.storeId;
    if (filter.dueBefore || filter.dueAfter)
      where.dueAt = {
        ...(filter.dueBefore ? { $lte: filter.dueBefore } : {}),
        ...(filter.dueAfter ? { $gte: filter.dueAfter } : {}),
      };
    return pageByTime(this.em, CareTask, where, args, BY_DUE_DATE);
  }

  /** Done: with a channel, the contact is also logged as a 沟通记录 linked to the task. */
  complete(input: CompleteCareTaskInput): Promise<CareTask> {
    const outcome = requiredText('outcome', input.outcome, 2000);
    return this.close(input.id, input.expectedVersion, FollowUpStatus.DONE, outcome, (em, task) => {
      if (!input.channel) return;
      em.create(Communication, {
        organization: this.viewer.organizationId,
        customer: task.customer,
        store: task.store,
        occurredAt: new Date(),
        channel: input.channel,
        summary: `${task.reason}: ${outcome}`,
        status: FollowUpStatus.DONE,
        careTask: task,
        owner: this.viewer.userId,
        recordedBy: this.viewer.userId,
      });
    });
  }

  cancel(input: CancelCareTaskInput): Promise<CareTask> {
    const reason = requiredText('reason', input.reason, 500);
    return this.close(input.id, input.expectedVersion, FollowUpStatus.CANCELLED, reason);
  }

  /** Runs the care schedule for the caller's organization now (it also runs every 15 minutes). */
  async runNow() {
    const [run] = await runCareSchedule(this.em.fork(), { organizationId: this.viewer.organizationId });
    return {
      total: run.total,
      created: Object.entries(run.created).map(([kind, created]) => ({ kind, created })),
    };
  }

  private close(
    id: string,
    expectedVersion: number,
    status: FollowUpStatus,
    outcome: string,
    alsoDo?: (em: EntityManager, task: CareTask) => void,
  ): Promise<CareTask> {
    return withUniqueConflicts([], () =>
      inTransaction(this.em, async (em) => {
        const task = await em.findOne(CareTask, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!task) throw new NotFoundError('CareTask', id);
        if (!TASK_MANAGERS.includes(this.viewer.role) && task.owner?.id !== this.viewer.userId)
          throw new ForbiddenError('Only the task’s owner, the front desk or a manager may close it.');
        assertVersion('The care task', task.version, expectedVersion);
        if (task.status !== FollowUpStatus.OPEN)
          throw new BadInputError('id', 'status', `The task is ${task.status} already.`);
        task.status = status;
        task.outcome = outcome;
        task.completedAt = new Date();
        task.completedBy = this.viewer.userId
          ? em.getReference(User, this.viewer.userId, { wrapped: true })
          : undefined;
        alsoDo?.(em, task);
        this.audit.recordChange(em, AuditAction.UPDATE, 'CareTask', task.id, task.customer.id, [
          'status',
          'outcome',
        ]);
        return task;
      }),
    );
  }
}
