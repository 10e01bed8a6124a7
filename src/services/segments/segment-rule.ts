import type { SegmentRule } from '../../entities/segments/segment.entity';
import { Role } from '../../entities/access/access.enums';
import { HEALTH_ACCESS, HealthSection } from '../../core/health-access';
import { ForbiddenError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { keyRing } from '../../core/crypto/key-ring';

export type { SegmentRule };

/** Rule fields that read health data. */
export const HEALTH_RULE_FIELDS = ['constitutions', 'currentComplaintsAny'] as const;
/** Rule fields matched against the health profile (wellness goals too): members' reads are audited. */
export const HEALTH_PROFILE_RULE_FIELDS = ['wellnessGoalsAny', ...HEALTH_RULE_FIELDS] as const;

/** A segment may filter on health fields only if its caller reads every customer's clinical data. */
export function assertMayFilterOnHealth(viewer: Viewer, rule: SegmentRule): void {
  const used = HEALTH_RULE_FIELDS.filter((field) => rule[field]?.length);
  if (used.length > 0 && HEALTH_ACCESS[viewer.role][HealthSection.CLINICAL] !== 'ALWAYS')
    throw new ForbiddenError(
      `Filtering on ${used.join(', ')} reads health data your role may not read: remove the filter.`,
    );
}

const list = (values: string[]) => JSON.stringify(values);
const anyOf = (column: string) => `${column} in (select jsonb_array_elements_text(?::jsonb))`;

/**
 * SQL condition on customer alias `c` (plus its parameters) for the rule, inside the organization.
 * `today` is the local date ages are computed on. For MARKETING callers it also drops everyone who
 * opted out: 勿扰, or no granted marketing consent at all.
 */
export function ruleCondition(
  rule: SegmentRule,
  organizationId: string,
  today: string,
  viewer?: Viewer,
): { sql: string; params: unknown[] } {
  const parts: string[] = ['c.organization_id = ?', 'c.archived_at is null'];
  const params: unknown[] = [organizationId];
  const add = (sql: string, ...values: unknown[]) => {
    parts.push(sql);
    params.push(...values);
  };
  const health = (sql: string, ...values: unknown[]) =>
    // Customers who withdrew health consent are never matched on health-profile data.
    add(
      `c.health_consent_withdrawn_at is null and exists (select 1 from health_profile h where h.customer_id = c.id and ${sql})`,
      ...values,
    );
  // The lists are sealed at rest: matched on their blind indexes, under every key of the
  // organization (a rotation leaves some rows under the old key until it is done).
  const blind = (values: string[]) => values.flatMap((value) => keyRing.indexesOf(organizationId, value));
  if (rule.tierIds?.length) add(anyOf('c.tier_id::text'), list(rule.tierIds));
  if (rule.tagIdsAny?.length)
    add(
      `exists (select 1 from customer_tag ct where ct.customer_id = c.id and ${anyOf('ct.tag_id::text')})`,
      list(rule.tagIdsAny),
    );
  if (rule.lastVisitBefore) add('c.last_visit_at < ?::timestamptz', rule.lastVisitBefore);
  if (rule.lastVisitAfter) add('c.last_visit_at >= ?::timestamptz', rule.lastVisitAfter);
  if (rule.lastVisitWithinDays != null)
    add('c.last_visit_at >= now() - make_interval(days => ?::int)', rule.lastVisitWithinDays);
  if (rule.noVisitForDays != null)
    add(
      'coalesce(c.last_visit_at, c.created_at) < now() - make_interval(days => ?::int)',
      rule.noVisitForDays,
    );
  if (rule.createdWithinDays != null)
    add('c.created_at >= now() - make_interval(days => ?::int)', rule.createdWithinDays);
  if (rule.minVisits != null) add('c.visit_count >= ?::int', rule.minVisits);
  if (rule.maxVisits != null) add('c.visit_count <= ?::int', rule.maxVisits);
  if (rule.minLifetimeSpend != null) add('c.lifetime_spend >= ?::bigint', rule.minLifetimeSpend);
  if (rule.maxLifetimeSpend != null) add('c.lifetime_spend <= ?::bigint', rule.maxLifetimeSpend);
  if (rule.minAge != null) add('c.birthday <= ?::date - make_interval(years => ?::int)', today, rule.minAge);
  if (rule.maxAge != null)
    add('c.birthday > ?::date - make_interval(years => ?::int + 1)', today, rule.maxAge);
  if (rule.genders?.length) add(anyOf('c.gender::text'), list(rule.genders));
  if (rule.storeIds?.length) add(anyOf('c.home_store_id::text'), list(rule.storeIds));
  if (rule.consentChannelsAny?.length)
    add(
      `exists (select 1 from contact_consent cc where cc.customer_id = c.id and cc.granted and ${anyOf('cc.channel::text')})`,
      list(rule.consentChannelsAny),
    );
  if (rule.wellnessGoalsAny?.length)
    health(
      'h.wellness_goals_index && array(select jsonb_array_elements_text(?::jsonb))',
      list(blind(rule.wellnessGoalsAny)),
    );
  if (rule.constitutions?.length) health(anyOf('h.constitution_index'), list(blind(rule.constitutions)));
  if (rule.currentComplaintsAny?.length)
    health(
      'h.current_complaints_index && array(select jsonb_array_elements_text(?::jsonb))',
      list(blind(rule.currentComplaintsAny)),
    );
  // RFM segments as of the organization's snapshot (services/reports/rfm-snapshot.ts), not scored per call.
  if (rule.rfmSegments?.length)
    add(
      `exists (select 1 from customer_rfm r where r.organization_id = c.organization_id and r.customer_id = c.id and ${anyOf('r.segment')})`,
      list(rule.rfmSegments),
    );
  if (viewer?.role === Role.MARKETING)
    parts.push(
      'not c.do_not_contact',
      'exists (select 1 from contact_consent cc where cc.customer_id = c.id and cc.granted)',
    );
  return { sql: parts.join(' and '), params };
}
