import type { EntityManager } from '@mikro-orm/postgresql';
import { lockOrganization } from '../organization-lock';
import { Organization, Tag } from '../../entities';
import { ruleCondition } from './segment-rule';
import { todayIn } from '../../core/time';
import { inTransaction } from '../transaction';
import { ensureOrganizationKeys } from '../../core/crypto/data-keys';
import { forOrganization } from '../tenancy';

/**
 * Recomputes the rule-based tags of one organization in one transaction: each rule tag ends up on
 * exactly the customers its rule matches now. Set-based: two statements per rule tag.
 */
export async function recomputeRuleTags(em: EntityManager, organizationId: string): Promise<number> {
  // Rules on complaints and goals match blind indexes made with the organization's keys.
  await ensureOrganizationKeys(em, organizationId);
  return inTransaction(em, async (transaction) => {
    const connection = transaction.getConnection();
    const context = transaction.getTransactionContext();
    await lockOrganization(transaction, 'tag-rules', organizationId);
    const organization = await transaction.findOneOrFail(
      Organization,
      { id: organizationId },
      { filters: false },
    );
    const tags = await transaction.find(
      Tag,
      { organization: organizationId, rule: { $ne: null } },
      { filters: false },
    );
    let changed = 0;
    for (const tag of tags) {
      const condition = ruleCondition(tag.rule!, organizationId, todayIn(organization.timezone));
      const removed = await connection.execute<{ affectedRows: number }>(
        `delete from customer_tag ct where ct.tag_id = ?
           and ct.customer_id not in (select c.id from customer c where ${condition.sql})`,
        [tag.id, ...condition.params],
        'run',
        context,
      );
      const added = await connection.execute<{ affectedRows: number }>(
        `insert into customer_tag (customer_id, tag_id, organization_id, created_at)
         select c.id, ?, c.organization_id, now() from customer c where ${condition.sql}
         on conflict do nothing`,
        [tag.id, ...condition.params],
        'run',
        context,
      );
      changed += removed.affectedRows + added.affectedRows;
    }
    return changed;
  });
}

/** All organizations, each on its own (one failing does not stop the others): the scheduled job. */
export async function recomputeRuleTagsEverywhere(
  em: EntityManager,
  onError?: (organizationId: string, error: unknown) => void,
): Promise<number> {
  const organizations = await em.find(Organization, {}, { fields: ['id'], filters: false });
  let changed = 0;
  const failed: string[] = [];
  for (const { id } of organizations) {
    try {
      // In the organization's tenancy scope (runtime role, its app.organization_id): row-level security
      // keeps its statements within it; only the list of organizations above is read across them.
      changed += await forOrganization(id, () => recomputeRuleTags(em.fork(), id));
    } catch (error) {
      onError?.(id, error);
      failed.push(id);
    }
  }
  if (failed.length > 0) throw new Error(`rule tags failed for organizations ${failed.join(', ')}`);
  return changed;
}
