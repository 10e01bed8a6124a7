import { Account, Customer, Tag, TierChange } from '../../entities';
import type { AppContext } from '../context';
import { BadInputError } from '../../core/errors';
import { healthAlertSql } from '../../services/read/loaders';
import { jsonRow } from '../../services/read/row-loaders';
import type { Companion } from '../../services/read/companions';
import { ACCOUNT_ORDER, TIER_HISTORY_LIMIT } from '../../services/customers/customer-lists';
import { rowShape } from '../../services/rows';
import type { LookAhead } from '../../services/read/selection';

/**
 * What the customer statement brings along for the fields selected on each customer (`node`): the
 * health flag, the health profile with the records selected below it, wallets, tags, tier moves and
 * the first page of visits, appointments and communications. A field selected twice with different
 * arguments is left to its loader. Every field still runs its own rule and the audit. A page of
 * customers brings only the health flag (`scope`).
 */
export function customerCompanions(
  context: AppContext,
  node: LookAhead | undefined,
  scope: 'one' | 'page' = 'one',
): Companion[] {
  const { loaders, viewer } = context;
  if (!node || !viewer) return [];
  const companions: Companion[] = [];
  if (node.has('hasHealthAlerts'))
    companions.push({
      sql: healthAlertSql('p.id'),
      params: [viewer.organizationId, viewer.organizationId],
      take: (id, value) => loaders.hasHealthAlerts.prime(id, value === true),
    });
  // For a page of customers the relations' own batched statements (one per relation for the whole
  // page) measured faster than correlated json per customer: 88 against 72 req/s for the list page
  // of docs/benchmarks.md, at 6 statements against 3. One customer (the 360 page) brings them along.
  if (scope === 'page') return companions;
  const profile = node.child('healthProfile');
  if (profile) companions.push(loaders.healthProfiles.want(profile.fields).companion(profile.fields));
  if (node.has('accounts')) companions.push(loaders.rows.parentCompanion(Account, 'customer', ACCOUNT_ORDER));
  if (node.has('tags')) companions.push(loaders.rows.collectionCompanion(Customer, 'tags', Tag));
  if (node.has('tierHistory')) companions.push(tierHistoryCompanion(context));
  for (const [field, pages] of [
    ['visits', loaders.customerVisits],
    ['appointments', loaders.customerAppointments],
    ['communications', loaders.customerCommunications],
  ] as const) {
    const connection = node.child(field);
    const definition = node.definitionOf(field);
    const args = connection && definition ? connection.arguments(definition) : undefined;
    if (!connection || !args) continue;
    const nodeFields = connection.child('edges')?.child('node')?.fields ?? new Set<string>();
    try {
      companions.push(
        ...pages
          .want(nodeFields)
          .companions(
            { first: args.first as number | undefined, after: args.after as string | undefined },
            nodeFields,
            connection.has('totalCount'),
          ),
      );
    } catch (error) {
      // A bad `first` or cursor is the connection's own error, at its path, when its resolver runs:
      // here it would fail the whole customer.
      if (!(error instanceof BadInputError)) throw error;
    }
  }
  return companions;
}

function tierHistoryCompanion(context: AppContext): Companion {
  const shape = rowShape(context.em, TierChange);
  return {
    sql: `(select coalesce(json_agg(${jsonRow(shape, 't')} order by t.created_at desc, t.id desc), '[]'::json)
             from (select * from tier_change t where t.customer_id = p.id and t.organization_id = ?
                    order by t.created_at desc, t.id desc limit ${TIER_HISTORY_LIMIT}) t)`,
    params: [context.viewer!.organizationId],
    take: (id, value) =>
      context.loaders.tierHistory.prime(
        id,
        (value as Record<string, unknown>[]).map((json) => shape.map(json)),
      ),
  };
}
