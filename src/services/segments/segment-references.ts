import type { EntityManager } from '@mikro-orm/postgresql';
import { MembershipTier, Store, Tag } from '../../entities';
import { BadInputError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { rowShape } from '../rows';
import type { SegmentRule } from './segment-rule';
import { runPrepared } from '../sql';
import { isUuid } from '../../core/uuid';

const REFERENCES = [
  { field: 'tierIds', entity: MembershipTier, noun: 'membership tier' },
  { field: 'tagIdsAny', entity: Tag, noun: 'tag' },
  { field: 'storeIds', entity: Store, noun: 'store' },
] as const;

/**
 * Tiers, tags and stores a rule names must be the organization's own: an id of another organization
 * matched nobody, silently, and saved a rule that pointed outside the tenant. One statement for all
 * three lists; BAD_USER_INPUT names the first foreign or unknown id by its path (rule.tierIds[1]).
 */
export async function assertOwnReferences(
  em: EntityManager,
  viewer: Viewer,
  rule: SegmentRule,
): Promise<void> {
  const wanted = REFERENCES.flatMap(({ field }) =>
    (rule[field] ?? []).map((id, index) => ({ field, id, index })),
  );
  if (wanted.length === 0) return;
  const malformed = wanted.find(({ id }) => !isUuid(id));
  const known = malformed
    ? new Set<string>()
    : new Set(
        (
          await runPrepared<{ kind: string; id: string }>(
            em,
            REFERENCES.map(
              ({ field, entity }) =>
                `select '${field}' as kind, id::text from "${rowShape(em, entity).table}" where id = any(?::uuid[]) and organization_id = ?`,
            ).join(' union all '),
            REFERENCES.flatMap(({ field }) => [`{${(rule[field] ?? []).join(',')}}`, viewer.organizationId]),
          )
        ).map((row) => `${row.kind}:${row.id}`),
      );
  const missing = malformed ?? wanted.find(({ field, id }) => !known.has(`${field}:${id.toLowerCase()}`));
  if (missing) {
    const noun = REFERENCES.find(({ field }) => field === missing.field)!.noun;
    const path = `rule.${missing.field}[${missing.index}]`;
    throw new BadInputError(
      path,
      'unknown',
      `${path} is not a ${noun} of your organization: pass an id this API returned.`,
    );
  }
}
