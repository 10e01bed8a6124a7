import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../../entities';
import type { ConnectionShape } from '../../core/paging/connection';
import { decodeCursor, pageSize, toConnection } from '../../core/paging/cursor';

export class AuditQueryService {
  constructor(private readonly em: EntityManager) {}

  async list(args: {
    customerId?: string;
    first?: number;
    after?: string;
  }): Promise<ConnectionShape<AuditEvent>> {
    const limit = pageSize(args.first, 50, 200);
    const where: FilterQuery<AuditEvent> = args.customerId ? { customerId: args.customerId } : {};
    const page: FilterQuery<AuditEvent>[] = [where];
    if (args.after) page.push({ id: { $lt: decodeCursor(args.after).id } });
    const rows = await this.em.find(
      AuditEvent,
      { $and: page },
      { orderBy: { id: 'desc' }, limit: limit + 1 },
    );
    return toConnection(
      rows,
      limit,
      args.after,
      () => null,
      () => this.em.count(AuditEvent, where),
    );
  }
}
