import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../entities';
import { lazy, type ConnectionShape } from '../schema/connection.type';
import { decodeCursor, encodeCursor, pageSize } from './cursor';

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
    const edges = rows.slice(0, limit).map((node) => ({ node, cursor: encodeCursor(null, node.id) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > limit,
        hasPreviousPage: Boolean(args.after),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount: lazy(() => this.em.count(AuditEvent, where)),
    };
  }
}
