import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { AuditEventConnection } from '../../schema/audit/audit-event.type';
import { AuditQueryService } from '../../services/audit/audit-query.service';

@Resolver()
export class AuditEventResolver {
  @Query(() => AuditEventConnection, {
    description: 'The audit log, newest first; optionally of one customer.',
  })
  auditEvents(
    @Ctx() { em }: AppContext,
    @Arg('customerId', () => ID, { nullable: true }) customerId?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ) {
    return new AuditQueryService(em).list({ customerId, first, after });
  }
}
