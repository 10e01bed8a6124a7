import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Account, Customer, LedgerEntry } from '../../entities';
import type { ConnectionShape } from '../../core/paging/connection';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { newestFirst } from '../newest-first';
import type { RowOf } from '../rows';

export interface BalanceMismatch {
  account: Account;
  principal: number;
  bonus: number;
  units: number;
}

/** Reads of accounts and their ledger history. */
export class LedgerQueryService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  async account(id: string): Promise<Account> {
    const account = await this.em.findOne(Account, { id });
    if (!account) throw new NotFoundError('Account', id);
    return account;
  }

  /** Newest first, for one account or all of a customer's accounts. */
  async entries(args: {
    accountId?: string;
    customerId?: string;
    first?: number;
    after?: string;
  }): Promise<ConnectionShape<RowOf<LedgerEntry>>> {
    if (!args.accountId === !args.customerId)
      throw new BadInputError('accountId', 'oneOf', 'Give either accountId or customerId.');
    const where: FilterQuery<LedgerEntry> = args.accountId
      ? { account: args.accountId }
      : { customer: args.customerId };
    const page = await newestFirst(this.em, LedgerEntry, where, args);
    // An entry proves its account and customer exist in this organization: only an empty page asks.
    if (page.edges.length === 0) {
      if (args.accountId) await this.account(args.accountId);
      else if (!(await this.em.count(Customer, { id: args.customerId })))
        throw new NotFoundError('Customer', args.customerId!);
    }
    return page;
  }

  /**
   * Recomputes every balance of the organization from its entries and returns the accounts whose
   * cached balance differs (there should be none: they move together in one transaction).
   */
  async mismatches(): Promise<{ checked: number; mismatches: BalanceMismatch[] }> {
    const rows = await this.em
      .getConnection()
      .execute<{ id: string; principal: string; bonus: string; units: string; matches: boolean }[]>(
        `select a.id, coalesce(sum(e.principal_delta), 0) as principal, coalesce(sum(e.bonus_delta), 0) as bonus,
              coalesce(sum(e.units_delta), 0) as units,
              a.principal = coalesce(sum(e.principal_delta), 0) and a.bonus = coalesce(sum(e.bonus_delta), 0)
                and a.units = coalesce(sum(e.units_delta), 0) as matches
       from account a left join ledger_entry e on e.account_id = a.id
       where a.organization_id = ? group by a.id`,
        [this.viewer.organizationId],
      );
    const wrong = rows.filter((row) => !row.matches);
    const accounts = wrong.length
      ? await this.em.find(Account, { id: { $in: wrong.map((row) => row.id) } })
      : [];
    return {
      checked: rows.length,
      mismatches: wrong.map((row) => ({
        account: accounts.find((account) => account.id === row.id)!,
        principal: Number(row.principal),
        bonus: Number(row.bonus),
        units: Number(row.units),
      })),
    };
  }
}
