import type { EntityManager } from '@mikro-orm/postgresql';
import type { DuplicateReason } from '../../entities/customers/customer-merge.enums';
import type { ConnectionShape } from '../../core/paging/connection';
import { decodeCursor, pageSize, toConnection } from '../../core/paging/cursor';
import { BadInputError } from '../../core/errors';
import { isUuid } from '../../core/uuid';
import type { Viewer } from '../../core/viewer';
import { runPrepared } from '../sql';
import { LEGACY_INTEGRATION } from './customer-external-id.service';

/** Two live customers that look like one person, the lower id first, with every reason found. */
export interface DuplicatePair {
  /** The second customer's id: with the first's, the pair's cursor. */
  id: string;
  firstId: string;
  secondId: string;
  reasons: DuplicateReason[];
}

/**
 * One self-join per reason (SAME_EXTERNAL_ID: one value from two integrations), each on its partial index (customer_duplicate_*_index: equal keys sit
 * next to each other), over live records of the organization (merged ones are left out; archived
 * ones stay, a duplicate is often archived by hand instead of merged).
 */
const PAIRS = `with external_ids as (
    -- Every id a live customer carries: each integration's (customer_external_id_organization_id_
    -- external_id_index), and the organization's own number as the integration 'legacy'.
    select x.customer_id, x.integration, x.external_id
    from customer_external_id x join customer c on c.id = x.customer_id and c.merged_at is null
    where x.organization_id = ?
    union all
    select c.id, '${LEGACY_INTEGRATION}', c.external_id
    from customer c where c.organization_id = ? and c.external_id is not null and c.merged_at is null
  ), pairs as (
    select a.id as first_id, b.id as second_id, 'SAME_NAME_AND_BIRTHDAY' as reason
    from customer a join customer b on b.organization_id = a.organization_id and b.name = a.name
      and b.birthday = a.birthday and b.id > a.id and b.merged_at is null
    where a.organization_id = ? and a.birthday is not null and a.merged_at is null
    union all
    select a.id, b.id, 'SAME_PINYIN_AND_PHONE_LAST4'
    from customer a join customer b on b.organization_id = a.organization_id and b.name_pinyin = a.name_pinyin
      and b.phone_last4 = a.phone_last4 and b.id > a.id and b.merged_at is null
    where a.organization_id = ? and a.phone_last4 is not null and a.name_pinyin <> '' and a.merged_at is null
    union all
    select a.id, b.id, 'SAME_EMAIL'
    from customer a join customer b on b.organization_id = a.organization_id and lower(b.email) = lower(a.email)
      and b.id > a.id and b.merged_at is null and b.email is not null
    where a.organization_id = ? and a.email is not null and a.merged_at is null
    union all
    select a.customer_id, b.customer_id, 'SAME_EXTERNAL_ID'
    from external_ids a join external_ids b on b.external_id = a.external_id
      and b.integration <> a.integration and b.customer_id > a.customer_id
  ), matching as (
    select first_id, second_id, array_agg(reason order by reason) as reasons
    from pairs
    where (?::uuid is null or first_id = ?::uuid or second_id = ?::uuid)
    group by first_id, second_id
  )`;

export class DuplicateCustomersService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  /** 疑似重复: candidate pairs, ordered by the pair's ids; two statements at most (the page, a count). */
  async list(args: {
    first?: number;
    after?: string;
    customerId?: string;
  }): Promise<ConnectionShape<DuplicatePair>> {
    const limit = pageSize(args.first);
    if (args.customerId !== undefined && !isUuid(args.customerId))
      throw new BadInputError(
        'customerId',
        'uuid',
        'customerId is not a customer id: pass an id returned by this API.',
      );
    const cursor = args.after ? decodeCursor(args.after) : undefined;
    if (cursor && (typeof cursor.sortValue !== 'string' || !isUuid(cursor.sortValue) || !isUuid(cursor.id)))
      throw new BadInputError(
        'after',
        'cursor',
        'after is not a cursor returned by this list: pass an endCursor unchanged.',
      );
    const organization = this.viewer.organizationId;
    const customer = args.customerId ?? null;
    const scope = [
      organization,
      organization,
      organization,
      organization,
      organization,
      customer,
      customer,
      customer,
    ];
    const rows = await runPrepared<{ first_id: string; second_id: string; reasons: DuplicateReason[] }>(
      this.em,
      `${PAIRS}
       select first_id, second_id, reasons from matching
       where (?::uuid is null or (first_id, second_id) > (?::uuid, ?::uuid))
       order by first_id, second_id limit ?`,
      [...scope, cursor?.sortValue ?? null, cursor?.sortValue ?? null, cursor?.id ?? null, limit + 1],
    );
    const pairs = rows.map((row) => ({
      id: row.second_id,
      firstId: row.first_id,
      secondId: row.second_id,
      reasons: row.reasons,
    }));
    return toConnection(
      pairs,
      limit,
      args.after,
      (pair) => pair.firstId,
      async () => {
        const [row] = await runPrepared<{ count: string }>(
          this.em,
          `${PAIRS} select count(*) as count from matching`,
          scope,
        );
        return Number(row.count);
      },
    );
  }
}
