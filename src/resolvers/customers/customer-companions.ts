import { Account, Customer, Tag, TierChange } from '../../entities';
import type { AppContext } from '../context';
import { BadInputError } from '../../core/errors';
import { healthAlertSql } from '../../services/read/loaders';
import { jsonRow } from '../../services/read/row-loaders';
import type { Companion } from '../../services/read/companions';
import { ACCOUNT_ORDER, TIER_HISTORY_LIMIT } from '../../services/customers/customer-lists';
import { rowShape } from '../../services/rows';
import type { LookAhead } from '../../services/read/selection';
import { policies } from '../../policies';
import { HealthSection, mayAccessHealth } from '../../core/health-access';
import type { Role } from '../../entities/access/access.enums';

/**
 * What the customer statement brings along for the fields selected on each customer (`node`): the
 * health flag, the health profile with the records selected below it, wallets, tags, tier moves and
 * the first page of visits, appointments and communications, for one customer (the 360 page) or a
 * page of them (the list page: 2 statements, the page and the audit, where the relations' own
 * batched statements made it 5). A field selected twice with different arguments is left to its
 * loader. Only fields the viewer's role reads for every customer are fetched so: a field it reads
 * for some customers only (a therapist's served customers) or never is left to its loader, which its
 * rule asks only where it lets the viewer through; nor is the profile of a customer who withdrew
 * health consent, for the roles that withdrawal binds. So no health value is read, let alone
 * decrypted, for a row the viewer may not see. Every field still runs its own rule and the audit.
 */
export function customerCompanions(context: AppContext, node: LookAhead | undefined): Companion[] {
  const { loaders, viewer } = context;
  if (!node || !viewer) return [];
  const wanted = (field: string) => node.has(field) && readsEveryRow(viewer.role, 'Customer', field);
  const companions: Companion[] = [];
  if (wanted('hasHealthAlerts'))
    companions.push({
      sql: healthAlertSql('p.id'),
      params: [viewer.organizationId, viewer.organizationId],
      take: (id, value) => loaders.hasHealthAlerts.prime(id, value === true),
    });
  const profile = wanted('healthProfile') ? node.child('healthProfile') : undefined;
  if (profile) {
    const fields = new Set(
      [...profile.fields].filter((field) => readsEveryRow(viewer.role, 'HealthProfile', field)),
    );
    // After a withdrawal only some roles still read the profile (core/health-access.ts).
    const withConsentOnly = !mayAccessHealth(viewer, HealthSection.SAFETY, { healthConsentWithdrawn: true });
    companions.push(loaders.healthProfiles.want(fields).companion(fields, { withConsentOnly }));
  }
  if (wanted('accounts')) companions.push(loaders.rows.parentCompanion(Account, 'customer', ACCOUNT_ORDER));
  if (wanted('tags')) companions.push(loaders.rows.collectionCompanion(Customer, 'tags', Tag));
  if (wanted('tierHistory')) companions.push(tierHistoryCompanion(context));
  for (const [field, pages] of [
    ['visits', loaders.customerVisits],
    ['appointments', loaders.customerAppointments],
    ['communications', loaders.customerCommunications],
  ] as const) {
    const connection = wanted(field) ? node.child(field) : undefined;
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

/** The role's grant on the field reads it for every row (its rule still answers for each). */
function readsEveryRow(role: Role, typeName: string, fieldName: string): boolean {
  return policies[typeName]?.[fieldName]?.conditionFor(role) === 'ALWAYS';
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
