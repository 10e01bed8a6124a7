import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Visit } from '../../entities';
import { Role } from '../../entities/access/access.enums';
import type { ConnectionShape } from '../../core/paging/connection';
import type { VisitFilter } from '../../schema/visits/visit.inputs';
import { NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { decodeCursor, pageSize, toConnection } from '../../core/paging/cursor';

const NOBODY = '00000000-0000-0000-0000-000000000000';

/**
 * Reads visits newest first. A therapist sees only visits in which they gave a service ("my
 * visits"); for them other visits do not exist (NOT_FOUND), like another organization's.
 */
export class VisitQueryService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  async get(id: string): Promise<Visit> {
    const visit = await this.em.findOne(Visit, { $and: [{ id }, this.scope()] });
    if (!visit) throw new NotFoundError('Visit', id);
    return visit;
  }

  async list(args: {
    first?: number;
    after?: string;
    filter?: VisitFilter;
  }): Promise<ConnectionShape<Visit>> {
    const limit = pageSize(args.first);
    const page: FilterQuery<Visit>[] = [this.condition(args.filter)];
    if (args.after) {
      const cursor = decodeCursor(args.after);
      const keyset = raw(
        (alias) => `(${alias}.visited_at, ${alias}.id) < (?, ?)`,
        [new Date(String(cursor.sortValue)), cursor.id],
      );
      page.push({ [keyset]: [] } as FilterQuery<Visit>);
    }
    const rows = await this.em.find(
      Visit,
      { $and: page },
      { orderBy: [{ visitedAt: 'desc' }, { id: 'desc' }], limit: limit + 1 },
    );
    return toConnection(
      rows,
      limit,
      args.after,
      (node) => node.visitedAt.toISOString(),
      // Built anew: a raw() fragment is consumed by the query that uses it.
      () => this.em.count(Visit, this.condition(args.filter)),
    );
  }

  private condition(filter: VisitFilter = {}): FilterQuery<Visit> {
    const conditions: FilterQuery<Visit>[] = [this.scope()];
    if (filter.storeId) conditions.push({ store: filter.storeId });
    if (filter.customerId) conditions.push({ customer: filter.customerId });
    if (filter.therapistId) conditions.push(givenBy(filter.therapistId));
    if (filter.from) conditions.push({ visitedAt: { $gte: filter.from } });
    if (filter.to) conditions.push({ visitedAt: { $lt: filter.to } });
    return { $and: conditions };
  }

  private scope(): FilterQuery<Visit> {
    return this.viewer.role === Role.THERAPIST ? givenBy(this.viewer.userId ?? NOBODY) : {};
  }
}

/** Visits with a line given by the therapist (an EXISTS, so a page never repeats a visit). */
function givenBy(therapistId: string): FilterQuery<Visit> {
  const exists = raw(
    (alias) => `exists (select 1 from visit_line l where l.visit_id = ${alias}.id and l.therapist_id = ?)`,
    [therapistId],
  );
  return { [exists]: [] } as FilterQuery<Visit>;
}
