import { LockMode, raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { lockOrganization } from '../organization-lock';
import { CareTask, Complaint, Customer, Store, Visit } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import {
  CareTaskKind,
  ComplaintBreach,
  ComplaintStatus,
  FollowUpStatus,
} from '../../entities/care/care.enums';
import { StaffRole } from '../../entities/staff/staff.enums';
import type {
  ComplaintFilter,
  FileComplaintInput,
  ResolveComplaintInput,
  RespondToComplaintInput,
  UpdateComplaintInput,
} from '../../schema/care/complaint.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { storeManager } from './care-sql';
import { pageByTime } from '../newest-first';
import { requiredText } from '../text-input';
import { activeStaff, CONTACT_ROLES } from '../staff/staff-reference';
import { assertVersion, withUniqueConflicts } from '../constraint-errors';
import { inTransaction } from '../transaction';

const HOUR = 3_600_000;
/** Service levels from the seeds: 24小时内响应, 48小时内给出解决方案. */
export const RESPOND_WITHIN_HOURS = 24;
export const RESOLVE_WITHIN_HOURS = 48;
const NEWEST_FIRST = { property: 'receivedAt', column: 'received_at', direction: 'desc' } as const;

const BREACH_SQL: Record<ComplaintBreach, (alias: string) => string> = {
  [ComplaintBreach.RESPONSE]: (a) => `${a}.respond_by < coalesce(${a}.responded_at, now())`,
  [ComplaintBreach.RESOLUTION]: (a) => `${a}.resolve_by < coalesce(${a}.resolved_at, now())`,
  [ComplaintBreach.ANY]: (a) =>
    `(${a}.respond_by < coalesce(${a}.responded_at, now()) or ${a}.resolve_by < coalesce(${a}.resolved_at, now()))`,
};

/** Whether a complaint missed its levels, as of now. */
export function breaches(
  complaint: Pick<Complaint, 'respondBy' | 'respondedAt' | 'resolveBy' | 'resolvedAt'>,
  now = new Date(),
) {
  return {
    responseBreached: complaint.respondBy < (complaint.respondedAt ?? now),
    resolutionBreached: complaint.resolveBy < (complaint.resolvedAt ?? now),
  };
}

/** 投诉: filing, responding, resolving; overdue tasks come from the care schedule. */
export class ComplaintService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async get(id: string): Promise<Complaint> {
    const complaint = await this.em.findOne(Complaint, { id });
    if (!complaint) throw new NotFoundError('Complaint', id);
    return complaint;
  }

  list(args: { first?: number; after?: string; filter?: ComplaintFilter }) {
    const filter = args.filter ?? {};
    const where: FilterQuery<Complaint>[] = [];
    if (filter.statuses?.length) where.push({ status: { $in: filter.statuses } });
    if (filter.customerId) where.push({ customer: filter.customerId });
    if (filter.storeId) where.push({ store: filter.storeId });
    if (filter.breached) where.push({ [raw(BREACH_SQL[filter.breached])]: [] } as FilterQuery<Complaint>);
    return pageByTime(this.em, Complaint, where.length ? { $and: where } : {}, args, NEWEST_FIRST);
  }

  file(input: FileComplaintInput): Promise<Complaint> {
    const subject = requiredText('subject', input.subject, 200);
    const description = requiredText('description', input.description, 4000);
    const receivedAt = input.receivedAt ?? new Date();
    if (receivedAt.getTime() > Date.now() + 5 * 60_000)
      throw new BadInputError('receivedAt', 'future', 'receivedAt lies in the future.');
    return inTransaction(this.em, async (em) => {
      const customer = await em.findOne(Customer, { id: input.customerId });
      if (!customer) throw new NotFoundError('Customer', input.customerId);
      const store = await em.findOne(Store, { id: input.storeId });
      if (!store) throw new NotFoundError('Store', input.storeId);
      if (input.visitId && !(await em.findOne(Visit, { id: input.visitId, customer })))
        throw new BadInputError('visitId', 'customer', 'visitId must be a visit of this customer.');
      const therapist = input.therapistId
        ? await activeStaff(em, 'therapistId', input.therapistId, [StaffRole.THERAPIST])
        : undefined;
      const owner = input.ownerId
        ? await activeStaff(em, 'ownerId', input.ownerId, CONTACT_ROLES)
        : undefined;
      const complaint = em.create(Complaint, {
        organization: this.viewer.organizationId,
        customer,
        store,
        receivedAt,
        channel: input.channel,
        subject,
        description,
        visit: input.visitId,
        therapist,
        owner: owner ?? (await this.storeManager(em, store.id)),
        respondBy: new Date(receivedAt.getTime() + RESPOND_WITHIN_HOURS * HOUR),
        resolveBy: new Date(receivedAt.getTime() + RESOLVE_WITHIN_HOURS * HOUR),
        recordedBy: this.viewer.userId,
      });
      this.audit.recordChange(em, AuditAction.CREATE, 'Complaint', complaint.id, customer.id, [
        'subject',
        'description',
      ]);
      return complaint;
    });
  }

  respond(input: RespondToComplaintInput): Promise<Complaint> {
    const handlingPlan = requiredText('handlingPlan', input.handlingPlan, 4000);
    return this.change(input.id, input.expectedVersion, (complaint) => {
      if (complaint.status !== ComplaintStatus.OPEN)
        throw new BadInputError('id', 'status', `The complaint is ${complaint.status} already.`);
      complaint.handlingPlan = handlingPlan;
      complaint.respondedAt = new Date();
      complaint.status = ComplaintStatus.RESPONDED;
      return { fields: ['handlingPlan', 'status'], settles: [CareTaskKind.COMPLAINT_RESPONSE_OVERDUE] };
    });
  }

  resolve(input: ResolveComplaintInput): Promise<Complaint> {
    const result = requiredText('result', input.result, 4000);
    return this.change(input.id, input.expectedVersion, (complaint) => {
      if (complaint.status === ComplaintStatus.RESOLVED)
        throw new BadInputError('id', 'status', 'The complaint is RESOLVED already.');
      const now = new Date();
      complaint.respondedAt ??= now;
      complaint.resolvedAt = now;
      complaint.result = result;
      complaint.status = ComplaintStatus.RESOLVED;
      const fields = ['result', 'status'];
      if (input.satisfactionAfter != null) {
        complaint.satisfactionAfter = satisfaction(input.satisfactionAfter);
        fields.push('satisfactionAfter');
      }
      return {
        fields,
        settles: [CareTaskKind.COMPLAINT_RESPONSE_OVERDUE, CareTaskKind.COMPLAINT_RESOLUTION_OVERDUE],
      };
    });
  }

  update(input: UpdateComplaintInput): Promise<Complaint> {
    return this.change(input.id, input.expectedVersion, async (complaint, em) => {
      const fields: string[] = [];
      if (input.ownerId) {
        complaint.owner = await activeStaff(em, 'ownerId', input.ownerId, CONTACT_ROLES);
        fields.push('owner');
      }
      if (input.satisfactionAfter != null) {
        complaint.satisfactionAfter = satisfaction(input.satisfactionAfter);
        fields.push('satisfactionAfter');
      }
      return { fields, settles: [] };
    });
  }

  private change(
    id: string,
    expectedVersion: number,
    apply: (
      complaint: Complaint,
      em: EntityManager,
    ) =>
      { fields: string[]; settles: CareTaskKind[] } | Promise<{ fields: string[]; settles: CareTaskKind[] }>,
  ): Promise<Complaint> {
    return withUniqueConflicts([], () =>
      inTransaction(this.em, async (em) => {
        // The schedule may be creating an overdue task for this complaint right now: wait for it, so
        // that closing the complaint's tasks below also closes that one.
        await lockOrganization(em, 'care-schedule', this.viewer.organizationId);
        const complaint = await em.findOne(Complaint, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!complaint) throw new NotFoundError('Complaint', id);
        assertVersion('The complaint', complaint.version, expectedVersion);
        const { fields, settles } = await apply(complaint, em);
        // Overdue tasks the change answers are done: the manager need not chase what is handled.
        if (settles.length > 0)
          await em.nativeUpdate(
            CareTask,
            { complaint: complaint.id, kind: { $in: settles }, status: FollowUpStatus.OPEN },
            {
              status: FollowUpStatus.DONE,
              completedAt: new Date(),
              updatedAt: new Date(),
              outcome: '投诉已处理',
            },
          );
        if (fields.length > 0)
          this.audit.recordChange(
            em,
            AuditAction.UPDATE,
            'Complaint',
            complaint.id,
            complaint.customer.id,
            fields,
          );
        return complaint;
      }),
    );
  }

  private async storeManager(em: EntityManager, storeId: string): Promise<string | undefined> {
    const [row] = await em
      .getConnection()
      .execute<{ id: string | null }[]>(
        `select ${storeManager('?')} as id from organization o where o.id = ?`,
        [storeId, this.viewer.organizationId],
        'all',
        em.getTransactionContext(),
      );
    return row?.id ?? undefined;
  }
}

function satisfaction(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 5)
    throw new BadInputError('satisfactionAfter', 'range', 'satisfactionAfter must be 1–5.');
  return value;
}
