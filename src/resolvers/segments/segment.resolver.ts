import type { RowOf } from '../../services/rows';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Segment, Tag } from '../../entities';
import type { AppContext } from '../context';
import { CustomerConnection } from '../../schema/customers/customer.type';
import {
  RuleTagInput,
  SegmentInput,
  SegmentRuleInput,
  UpdateSegmentInput,
} from '../../schema/segments/segment.inputs';
import { SegmentType } from '../../schema/segments/segment.type';
import { TagType } from '../../schema/customers/tag.type';
import { toRule } from '../../services/segments/segment.service';

@Resolver(() => SegmentType)
export class SegmentResolver {
  @Query(() => [SegmentType], { description: '客户分群 of the organization, by name.' })
  segments(@Ctx() context: AppContext) {
    return context.services.segments.list();
  }

  @Query(() => SegmentType)
  segment(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.segments.get(id);
  }

  @Query(() => CustomerConnection, {
    description: 'Customers a rule would select, without saving it (newest customers first).',
  })
  segmentPreview(
    @Arg('rule', () => SegmentRuleInput) rule: SegmentRuleInput,
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ) {
    return context.services.segments.members(toRule(rule), { first, after });
  }

  @Mutation(() => SegmentType, { description: 'Save a segment; CONFLICT reason DUPLICATE_NAME if taken.' })
  createSegment(@Arg('input') input: SegmentInput, @Ctx() context: AppContext) {
    return context.services.segments.create(input);
  }

  @Mutation(() => SegmentType)
  updateSegment(@Arg('input') input: UpdateSegmentInput, @Ctx() context: AppContext) {
    return context.services.segments.update(input);
  }

  @Mutation(() => ID)
  deleteSegment(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.segments.delete(id);
  }

  @FieldResolver(() => CustomerConnection, {
    nullable: true,
    description: 'Members now, newest customers first. MARKETING: only customers who may be contacted.',
  })
  members(
    @Root() segment: RowOf<Segment>,
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20.' }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ) {
    return context.services.segments.members(segment.rule, { first, after });
  }
}

@Resolver(() => TagType)
export class RuleTagResolver {
  @Mutation(() => TagType, {
    description: 'Create a rule-based tag (e.g. 高端客户 by spend); members are computed at once and hourly.',
  })
  createRuleTag(@Arg('input') input: RuleTagInput, @Ctx() context: AppContext) {
    return context.services.ruleTags.save(undefined, input);
  }

  @Mutation(() => TagType, { description: 'Change a rule-based tag; members are recomputed at once.' })
  updateRuleTag(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: RuleTagInput,
    @Ctx() context: AppContext,
  ) {
    return context.services.ruleTags.save(id, input);
  }

  @Mutation(() => Int, { description: 'Recompute rule-based tags now; returns how many tag links changed.' })
  recomputeRuleTags(@Ctx() context: AppContext) {
    return context.services.ruleTags.recompute();
  }

  @FieldResolver(() => Boolean, { nullable: true })
  ruleBased(@Root() tag: RowOf<Tag>) {
    return tag.rule != null;
  }
}
