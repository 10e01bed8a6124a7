import type { EntityManager } from '@mikro-orm/postgresql';
import { MembershipTier } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type { MembershipTierInput } from '../../schema/membership/membership-tier.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { changedFields } from '../changes';
import { evaluateTiers } from './tier-evaluation';
import { withUniqueConflicts, type UniqueRule } from '../constraint-errors';
import { inTransaction } from '../transaction';

const UNIQUE: UniqueRule[] = [
  {
    constraint: 'membership_tier_organization_id_rank_unique',
    field: 'rank',
    reason: 'DUPLICATE_RANK',
    message: 'Another tier has this rank.',
  },
  {
    constraint: 'membership_tier_organization_id_name_unique',
    field: 'name',
    reason: 'DUPLICATE_NAME',
    message: 'Another tier has this name.',
  },
];

/** 会员等级 configuration and evaluation (also run by every checkout for its customer). */
export class MembershipTierService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<MembershipTier[]> {
    return this.em.find(MembershipTier, {}, { orderBy: { rank: 'asc' } });
  }

  create(input: MembershipTierInput): Promise<MembershipTier> {
    if (!input.name) throw new BadInputError('name', 'required', 'name is required to create a tier.');
    if (input.rank === undefined || input.rank === null)
      throw new BadInputError('rank', 'required', 'rank is required to create a tier.');
    const { name, rank } = input;
    return withUniqueConflicts(UNIQUE, () =>
      inTransaction(this.em, async (em) => {
        const tier = em.create(MembershipTier, { organization: this.viewer.organizationId, name, rank });
        const fields = this.apply(tier, input);
        this.audit.recordChange(em, AuditAction.CREATE, 'MembershipTier', tier.id, undefined, fields);
        return tier;
      }),
    );
  }

  update(id: string, input: MembershipTierInput): Promise<MembershipTier> {
    return withUniqueConflicts(UNIQUE, () =>
      inTransaction(this.em, async (em) => {
        const tier = await em.findOne(MembershipTier, { id });
        if (!tier) throw new NotFoundError('MembershipTier', id);
        const fields = this.apply(tier, input);
        if (fields.length > 0)
          this.audit.recordChange(em, AuditAction.UPDATE, 'MembershipTier', id, undefined, fields);
        return tier;
      }),
    );
  }

  /** Re-evaluates every customer now (e.g. after changing thresholds); returns how many moved. */
  evaluateAll(): Promise<number> {
    return inTransaction(
      this.em,
      async (em) => (await evaluateTiers(em, this.viewer.organizationId, null)).length,
    );
  }

  private apply(tier: MembershipTier, input: MembershipTierInput): string[] {
    return changedFields(tier, {
      name: input.name?.trim(),
      rank: input.rank,
      discountBasisPoints: input.discountBasisPoints,
      pointsMultiplierPercent: input.pointsMultiplierPercent,
      benefits: input.benefits === null ? null : input.benefits?.trim(),
      minSpend: input.minSpendMinorUnits,
      minVisits: input.minVisits,
    });
  }
}
