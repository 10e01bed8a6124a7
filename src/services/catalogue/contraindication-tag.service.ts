import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ContraindicationTag } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type { ContraindicationTagInput } from '../../schema/catalogue/catalogue.inputs';
import { BadInputError, ConflictError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { changedFields } from '../changes';
import { withUniqueConflicts, type UniqueRule } from '../constraint-errors';
import { inTransaction } from '../transaction';

const UNIQUE_NAME: UniqueRule = {
  constraint: 'contraindication_tag_organization_id_name_unique',
  field: 'name',
  reason: 'DUPLICATE_NAME',
  message: 'A contraindication tag with this name exists already: edit that one.',
};

/** 禁忌标签 management. A tag in use by a service cannot be deleted, only reworded. */
export class ContraindicationTagService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<ContraindicationTag[]> {
    return this.em.find(ContraindicationTag, {}, { orderBy: { name: 'asc' } });
  }

  create(input: ContraindicationTagInput): Promise<ContraindicationTag> {
    if (!input.name) throw new BadInputError('name', 'required', 'name is required to create a tag.');
    if (!input.severity)
      throw new BadInputError('severity', 'required', 'severity (AVOID or CAUTION) is required.');
    const { name, severity } = input;
    return withUniqueConflicts([UNIQUE_NAME], () =>
      inTransaction(this.em, async (em) => {
        const tag = em.create(ContraindicationTag, {
          organization: this.viewer.organizationId,
          name,
          severity,
        });
        const fields = this.apply(tag, input);
        this.audit.recordChange(em, AuditAction.CREATE, 'ContraindicationTag', tag.id, undefined, fields);
        return tag;
      }),
    );
  }

  update(id: string, input: ContraindicationTagInput): Promise<ContraindicationTag> {
    return withUniqueConflicts([UNIQUE_NAME], () =>
      inTransaction(this.em, async (em) => {
        const tag = await em.findOne(ContraindicationTag, { id });
        if (!tag) throw new NotFoundError('ContraindicationTag', id);
        const fields = this.apply(tag, input);
        if (fields.length > 0)
          this.audit.recordChange(em, AuditAction.UPDATE, 'ContraindicationTag', tag.id, undefined, fields);
        return tag;
      }),
    );
  }

  /** Refused with CONFLICT reason IN_USE while a service carries the tag, naming those services. */
  delete(id: string): Promise<string> {
    return inTransaction(this.em, async (em) => {
      // Locked first, counted after: attaching the tag to a service takes a key-share lock on it, so
      // the count below sees every attachment committed before the delete.
      const tag = await em.findOne(ContraindicationTag, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!tag) throw new NotFoundError('ContraindicationTag', id);
      const users = await em.getConnection().execute<{ name: string }[]>(
        `select s.name from service_item_contraindication p
           join service_item s on s.id = p.service_item_id
         where p.contraindication_tag_id = ? order by s.name`,
        [id],
        'all',
        em.getTransactionContext(),
      );
      const services = users.map((row) => row.name);
      if (services.length > 0)
        throw new ConflictError(
          `${tag.name} is used by ${services.join('、')}: remove it from those services first.`,
          { reason: 'IN_USE', services },
        );
      em.remove(tag);
      this.audit.recordChange(em, AuditAction.DELETE, 'ContraindicationTag', id, undefined, ['name']);
      return id;
    });
  }

  private apply(tag: ContraindicationTag, input: ContraindicationTagInput): string[] {
    return changedFields(tag, {
      name: input.name?.trim(),
      severity: input.severity,
      description: input.description === null ? null : input.description?.trim(),
      specialConditionKinds: input.specialConditionKinds && [...new Set(input.specialConditionKinds)],
      allergyCategories: input.allergyCategories && [...new Set(input.allergyCategories)],
      keywords: input.keywords && [...new Set(input.keywords.map((word) => word.trim()).filter(Boolean))],
    });
  }
}
