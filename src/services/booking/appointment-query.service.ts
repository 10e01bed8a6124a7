import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Appointment } from '../../entities';
import { Role } from '../../entities/access/access.enums';
import type { ConnectionShape } from '../../core/paging/connection';
import type { AppointmentFilter } from '../../schema/booking/appointment.inputs';
import { NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { decodeTimeCursor, pageSize, toConnection } from '../../core/paging/cursor';

/**
 * Reads appointments in start order. A therapist sees only appointments where they give a service;
 * for them other appointments do not exist (NOT_FOUND), like another organization's.
 */
export class AppointmentQueryService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  async get(id: string): Promise<Appointment> {
    const appointment = await this.em.findOne(Appointment, { $and: [{ id }, this.scope()] });
    if (!appointment) throw new NotFoundError('Appointment', id);
    return appointment;
  }

  async list(args: {
    first?: number;
    after?: string;
    filter?: AppointmentFilter;
  }): Promise<ConnectionShape<Appointment>> {
    const limit = pageSize(args.first);
    const where = this.condition(args.filter);
    const page: FilterQuery<Appointment>[] = [where];
    if (args.after) {
      const cursor = decodeTimeCursor(args.after);
      const keyset = raw((alias) => `(${alias}.starts_at, ${alias}.id) > (?, ?)`, [cursor.at, cursor.id]);
      page.push({ [keyset]: [] } as FilterQuery<Appointment>);
    }
    const rows = await this.em.find(
      Appointment,
      { $and: page },
      { orderBy: [{ startsAt: 'asc' }, { id: 'asc' }], limit: limit + 1 },
    );
    return toConnection(
      rows,
      limit,
      args.after,
      (node) => node.startsAt.toISOString(),
      // Built anew: a raw() fragment is consumed by the query that uses it.
      () => this.em.count(Appointment, this.condition(args.filter)),
    );
  }

  private condition(filter: AppointmentFilter = {}): FilterQuery<Appointment> {
    const conditions: FilterQuery<Appointment>[] = [this.scope()];
    if (filter.storeId) conditions.push({ store: filter.storeId });
    if (filter.customerId) conditions.push({ customer: filter.customerId });
    if (filter.therapistId) conditions.push(withTherapist(filter.therapistId));
    if (filter.from) conditions.push({ startsAt: { $gte: filter.from } });
    if (filter.to) conditions.push({ startsAt: { $lt: filter.to } });
    if (filter.status?.length) conditions.push({ status: { $in: filter.status } });
    return { $and: conditions };
  }

  private scope(): FilterQuery<Appointment> {
    if (this.viewer.role !== Role.THERAPIST) return {};
    return withTherapist(this.viewer.userId ?? '00000000-0000-0000-0000-000000000000');
  }
}

/** Appointments in which the therapist gives a service (an EXISTS, so a page never repeats a row). */
function withTherapist(therapistId: string): FilterQuery<Appointment> {
  const exists = raw(
    (alias) =>
      `exists (select 1 from appointment_item i where i.appointment_id = ${alias}.id and i.therapist_id = ?)`,
    [therapistId],
  );
  return { [exists]: [] } as FilterQuery<Appointment>;
}
