import type { EntityManager } from '@mikro-orm/postgresql';
import { ContraindicationTag, ServiceItem } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type { ServiceItemInput } from '../../schema/catalogue/catalogue.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { changedFields } from '../changes';
import { assertVersion, withUniqueConflicts, type UniqueRule } from '../constraint-errors';
import { inTransaction } from '../transaction';

const UNIQUE_CODE: UniqueRule = {
  constraint: 'service_item_organization_id_code_unique',
  field: 'code',
  reason: 'DUPLICATE_CODE',
  message: 'Another service has this code: choose another one.',
};

const REQUIRED = ['code', 'name', 'category', 'durationMinutes', 'priceMinorUnits'] as const;

/** 服务项目 management: the menu booking, availability and visits read. */
export class ServiceItemService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async get(id: string): Promise<ServiceItem> {
    const service = await this.em.findOne(ServiceItem, { id });
    if (!service) throw new NotFoundError('ServiceItem', id);
    return service;
  }

  create(input: ServiceItemInput): Promise<ServiceItem> {
    const missing = REQUIRED.find((field) => input[field] === undefined || input[field] === null);
    if (missing) throw new BadInputError(missing, 'required', `${missing} is required to create a service.`);
    return withUniqueConflicts([UNIQUE_CODE], () =>
      inTransaction(this.em, async (em) => {
        const service = em.create(ServiceItem, {
          organization: this.viewer.organizationId,
          code: input.code!,
          name: input.name!,
          category: input.category!,
          durationMinutes: input.durationMinutes!,
          price: input.priceMinorUnits!,
        });
        const fields = await this.apply(em, service, input);
        this.audit.recordChange(em, AuditAction.CREATE, 'ServiceItem', service.id, undefined, fields);
        return service;
      }),
    );
  }

  /** CONFLICT reason STALE_VERSION when `expectedVersion` is not the current version. */
  update(id: string, expectedVersion: number, input: ServiceItemInput): Promise<ServiceItem> {
    return withUniqueConflicts([UNIQUE_CODE], () =>
      inTransaction(this.em, async (em) => {
        const service = await em.findOne(ServiceItem, { id }, { populate: ['contraindications'] });
        if (!service) throw new NotFoundError('ServiceItem', id);
        assertVersion('ServiceItem', service.version, expectedVersion);
        const fields = await this.apply(em, service, input);
        if (fields.length > 0)
          this.audit.recordChange(em, AuditAction.UPDATE, 'ServiceItem', service.id, undefined, fields);
        return service;
      }),
    );
  }

  /** 上架 / 下架: an inactive service is not offered or bookable; its history stays. */
  setActive(id: string, active: boolean): Promise<ServiceItem> {
    return inTransaction(this.em, async (em) => {
      const service = await em.findOne(ServiceItem, { id });
      if (!service) throw new NotFoundError('ServiceItem', id);
      if (service.active !== active) {
        service.active = active;
        this.audit.recordChange(em, AuditAction.UPDATE, 'ServiceItem', service.id, undefined, ['active']);
      }
      return service;
    });
  }

  private async apply(em: EntityManager, service: ServiceItem, input: ServiceItemInput): Promise<string[]> {
    const fields = changedFields(service, {
      code: input.code,
      name: input.name?.trim(),
      category: input.category?.trim(),
      description: input.description === null ? null : input.description?.trim(),
      durationMinutes: input.durationMinutes,
      bufferMinutes: input.bufferMinutes,
      price: input.priceMinorUnits,
      roomKind: input.roomKind === null ? null : input.roomKind?.trim(),
    });
    if (input.contraindicationTagIds) {
      const ids = [...new Set(input.contraindicationTagIds)];
      const tags = await em.find(ContraindicationTag, { id: { $in: ids } });
      const unknown = ids.findIndex((tagId) => !tags.some((tag) => tag.id === tagId));
      if (unknown >= 0) throw new NotFoundError('ContraindicationTag', ids[unknown]);
      const before = service.contraindications.isInitialized()
        ? service.contraindications.getIdentifiers<string>().sort()
        : [];
      service.contraindications.set(tags);
      if (JSON.stringify(before) !== JSON.stringify(ids.sort())) fields.push('contraindications');
    }
    // A change of tags alone must still bump the version the next editor compares against.
    if (fields.length > 0) service.updatedAt = new Date();
    return fields.map((field) => (field === 'price' ? 'priceMinorUnits' : field));
  }
}
