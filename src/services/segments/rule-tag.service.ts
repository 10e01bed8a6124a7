import type { EntityManager } from '@mikro-orm/postgresql';
import { Tag } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type { RuleTagInput } from '../../schema/segments/segment.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { HEALTH_PROFILE_RULE_FIELDS } from './segment-rule';
import { assertOwnReferences } from './segment-references';
import { toRule } from './segment.service';
import { recomputeRuleTags } from './tag-rules';
import { withUniqueConflicts, type UniqueRule } from '../constraint-errors';
import { inTransaction } from '../transaction';

const UNIQUE_NAME: UniqueRule = {
  constraint: 'tag_organization_id_name_unique',
  field: 'name',
  reason: 'DUPLICATE_NAME',
  message: 'A tag with this name exists already.',
};

/** Rule-based tags (高端客户, 潜力客户, 沉睡客户): defined once, recomputed by the schedule. */
export class RuleTagService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async save(id: string | undefined, input: RuleTagInput): Promise<Tag> {
    const rule = toRule(input.rule);
    // Tags are read by roles that never see health data (front desk, marketing, a POS), and tag reads
    // are not audited: no rule on anything stored in the health profile, wellness goals included.
    const health = HEALTH_PROFILE_RULE_FIELDS.filter((field) => rule[field]?.length);
    if (health.length)
      throw new BadInputError(
        `rule.${health[0]}`,
        'health',
        'A tag rule may not use health fields: tags are seen widely.',
      );
    await assertOwnReferences(this.em, this.viewer, rule);
    if (input.color && !/^#[0-9a-fA-F]{6}$/.test(input.color))
      throw new BadInputError('color', 'format', 'color must be #RRGGBB.');
    const tag = await withUniqueConflicts([UNIQUE_NAME], () =>
      inTransaction(this.em, async (em) => {
        const found = id ? await em.findOne(Tag, { id }) : undefined;
        if (id && !found) throw new NotFoundError('Tag', id);
        if (found && !found.rule)
          throw new BadInputError('id', 'manual', 'This tag is set by hand; create a new rule-based tag.');
        const tag =
          found ?? em.create(Tag, { organization: this.viewer.organizationId, name: input.name.trim() });
        tag.name = input.name.trim();
        tag.color = input.color ?? undefined;
        tag.rule = rule;
        this.audit.recordChange(
          em,
          found ? AuditAction.UPDATE : AuditAction.CREATE,
          'Tag',
          tag.id,
          undefined,
          ['name', 'rule'],
        );
        return tag;
      }),
    );
    await recomputeRuleTags(this.em.fork(), this.viewer.organizationId);
    return tag;
  }

  recompute(): Promise<number> {
    return recomputeRuleTags(this.em.fork(), this.viewer.organizationId);
  }
}
