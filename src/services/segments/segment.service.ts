import { assertOwnReferences } from './segment-references';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, Organization, Segment } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type { SegmentInput, UpdateSegmentInput } from '../../schema/segments/segment.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { decodeCursor, pageSize, toConnection } from '../../core/paging/cursor';
import {
  assertMayFilterOnHealth,
  HEALTH_PROFILE_RULE_FIELDS,
  ruleCondition,
  type SegmentRule,
} from './segment-rule';
import { requiredText } from '../text-input';
import { todayIn } from '../../core/time';
import { ensureRfmSnapshot } from '../reports/rfm-snapshot';
import { assertVersion, withUniqueConflicts, type UniqueRule } from '../constraint-errors';
import { inTransaction } from '../transaction';

const UNIQUE_NAME: UniqueRule = {
  constraint: 'segment_organization_id_name_unique',
  field: 'name',
  reason: 'DUPLICATE_NAME',
  message: 'A segment with this name exists already.',
};

/** 客户分群: saved filters whose members are computed on read, for the caller's role. */
export class SegmentService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<Segment[]> {
    return this.em.find(Segment, {}, { orderBy: { name: 'asc' } });
  }

  async get(id: string): Promise<Segment> {
    const segment = await this.em.findOne(Segment, { id });
    if (!segment) throw new NotFoundError('Segment', id);
    return segment;
  }

  /**
   * The customers matching a rule, newest first. A rule on health fields needs a caller who reads
   * them; MARKETING never sees customers who opted out (勿扰 or no marketing consent).
   */
  async members(rule: SegmentRule, args: { first?: number; after?: string }) {
    assertMayFilterOnHealth(this.viewer, rule);
    const limit = pageSize(args.first);
    const organization = await this.organization();
    if (rule.rfmSegments?.length)
      await ensureRfmSnapshot(this.em, { organizationId: organization.id, timeZone: organization.timezone });
    const condition = ruleCondition(
      rule,
      this.viewer.organizationId,
      todayIn(organization.timezone),
      this.viewer,
    );
    const keyset: string[] = [];
    const params = [...condition.params];
    if (args.after) {
      const cursor = decodeCursor(args.after);
      keyset.push('and (c.created_at, c.id) < (?::timestamptz, ?::uuid)');
      params.push(String(cursor.sortValue), cursor.id);
    }
    const connection = this.em.getConnection();
    const page = await connection.execute<{ id: string }[]>(
      `select c.id from customer c where ${condition.sql} ${keyset.join(' ')}
       order by c.created_at desc, c.id desc limit ?`,
      [...params, limit + 1],
    );
    const found = await this.em.find(Customer, { id: { $in: page.map((row) => row.id) } });
    const byId = new Map(found.map((customer) => [customer.id, customer]));
    const rows = page.map((row) => byId.get(row.id)).filter((customer) => customer !== undefined);
    // Matching on health-profile data tells something about each member: logged like any health read.
    const healthFilters = HEALTH_PROFILE_RULE_FIELDS.filter((field) => rule[field]?.length);
    for (const customer of rows.slice(0, limit))
      for (const field of healthFilters) this.audit.recordHealthRead(customer.id, `segmentFilter.${field}`);
    return toConnection(
      rows,
      limit,
      args.after,
      (customer) => customer.createdAt.toISOString(),
      async () => {
        const [row] = await connection.execute<{ count: string }[]>(
          `select count(*) as count from customer c where ${condition.sql}`,
          condition.params,
        );
        return Number(row.count);
      },
    );
  }

  async create(input: SegmentInput): Promise<Segment> {
    const rule = toRule(input.rule);
    assertMayFilterOnHealth(this.viewer, rule);
    await assertOwnReferences(this.em, this.viewer, rule);
    return withUniqueConflicts([UNIQUE_NAME], () =>
      inTransaction(this.em, async (em) => {
        const segment = em.create(Segment, {
          organization: this.viewer.organizationId,
          name: requiredText('name', input.name, 50),
          description: input.description?.trim() || undefined,
          rule,
          createdBy: this.viewer.userId,
        });
        this.audit.recordChange(em, AuditAction.CREATE, 'Segment', segment.id, undefined, ['name', 'rule']);
        return segment;
      }),
    );
  }

  async update(input: UpdateSegmentInput): Promise<Segment> {
    const rule = input.rule ? toRule(input.rule) : undefined;
    if (rule) {
      assertMayFilterOnHealth(this.viewer, rule);
      await assertOwnReferences(this.em, this.viewer, rule);
    }
    return withUniqueConflicts([UNIQUE_NAME], () =>
      inTransaction(this.em, async (em) => {
        const segment = await em.findOne(Segment, { id: input.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!segment) throw new NotFoundError('Segment', input.id);
        assertVersion('The segment', segment.version, input.expectedVersion);
        // Whoever edits must be allowed the filters that stay, too.
        assertMayFilterOnHealth(this.viewer, rule ?? segment.rule);
        const fields: string[] = [];
        if (input.name !== undefined && input.name !== null) {
          segment.name = requiredText('name', input.name, 50);
          fields.push('name');
        }
        if (input.description !== undefined) {
          segment.description = input.description?.trim() || undefined;
          fields.push('description');
        }
        if (rule) {
          segment.rule = rule;
          fields.push('rule');
        }
        if (fields.length)
          this.audit.recordChange(em, AuditAction.UPDATE, 'Segment', segment.id, undefined, fields);
        return segment;
      }),
    );
  }

  delete(id: string): Promise<string> {
    return inTransaction(this.em, async (em) => {
      const segment = await em.findOne(Segment, { id });
      if (!segment) throw new NotFoundError('Segment', id);
      this.audit.recordChange(em, AuditAction.DELETE, 'Segment', segment.id, undefined, []);
      em.remove(segment);
      return id;
    });
  }

  private organization() {
    return this.em.findOneOrFail(Organization, { id: this.viewer.organizationId });
  }
}

/** The input without absent keys, so the stored JSON shows only the filters in use. */
export function toRule(input: object): SegmentRule {
  const rule = Object.fromEntries(
    Object.entries(input).filter(
      ([, value]) => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0),
    ),
  ) as Record<string, unknown>;
  for (const key of ['lastVisitBefore', 'lastVisitAfter'])
    if (rule[key] instanceof Date) rule[key] = (rule[key] as Date).toISOString();
  const typed = rule as SegmentRule;
  if (typed.minAge != null && typed.maxAge != null && typed.minAge > typed.maxAge)
    throw new BadInputError('rule.maxAge', 'range', 'maxAge must not be less than minAge.');
  return typed;
}
