import type { EntityManager } from '@mikro-orm/postgresql';
import { runPrepared } from '../sql';
import type { ReportScope } from './report-scope';

/** 储值负债 now: what the organization still owes its customers, from the account balances. */
export interface Liabilities {
  /** 本金 of every stored-value account, in 分: money received and not yet consumed. */
  storedValuePrincipal: number;
  /** 赠送 of every stored-value account, in 分: given, not paid for. */
  storedValueBonus: number;
  /** Uses left on punch cards, expired cards included (their validity may be extended). */
  unusedPunches: number;
  /** Those uses at what they were sold for: each card's uses left × its price / its uses, rounded down. */
  unusedPunchValue: number;
  /** 积分 not yet redeemed or expired. */
  pointsOutstanding: number;
  /** Those points at the organization's point value, in 分. */
  pointsValue: number;
  /** Customers with stored value left. */
  storedValueHolders: number;
}

/** One statement over the organization's accounts; stores do not own accounts, so there is no store scope. */
export async function liabilities(em: EntityManager, scope: ReportScope): Promise<Liabilities> {
  const [row] = await runPrepared<Record<string, string>>(
    em,
    `select
       coalesce(sum(a.principal) filter (where a.kind = 'STORED_VALUE'), 0)::bigint as principal,
       coalesce(sum(a.bonus) filter (where a.kind = 'STORED_VALUE'), 0)::bigint as bonus,
       coalesce(sum(a.units) filter (where a.kind = 'PUNCH_CARD'), 0)::bigint as punches,
       coalesce(sum(a.units::bigint * cp.price / nullif(cp.uses, 0)) filter (where a.kind = 'PUNCH_CARD'), 0)::bigint
         as punch_value,
       coalesce(sum(a.units) filter (where a.kind = 'POINTS'), 0)::bigint as points,
       count(*) filter (where a.kind = 'STORED_VALUE' and a.principal + a.bonus > 0)::int as holders
     from account a
     left join card_product cp on cp.id = a.card_product_id and cp.organization_id = a.organization_id
     where a.organization_id = ?`,
    [scope.organizationId],
  );
  const points = Number(row.points);
  return {
    storedValuePrincipal: Number(row.principal),
    storedValueBonus: Number(row.bonus),
    unusedPunches: Number(row.punches),
    unusedPunchValue: Number(row.punch_value),
    pointsOutstanding: points,
    pointsValue: points * scope.organization.pointValueMinorUnits,
    storedValueHolders: Number(row.holders),
  };
}
