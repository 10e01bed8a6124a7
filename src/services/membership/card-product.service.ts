import type { EntityManager } from '@mikro-orm/postgresql';
import { CardProduct, ServiceItem } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { CardProductKind } from '../../entities/membership/membership.enums';
import type { CardProductInput } from '../../schema/membership/membership.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { withUniqueConflicts, type UniqueRule } from '../constraint-errors';
import { inTransaction } from '../transaction';

const UNIQUE_CODE: UniqueRule = {
  constraint: 'card_product_organization_id_code_unique',
  field: 'code',
  reason: 'DUPLICATE_CODE',
  message: 'Another card product has this code.',
};

/** 卡项 configured once and sold many times. A sold card keeps what it was sold with. */
export class CardProductService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  list(includeInactive: boolean): Promise<CardProduct[]> {
    return this.em.find(CardProduct, includeInactive ? {} : { active: true }, {
      orderBy: [{ kind: 'asc' }, { price: 'asc' }],
    });
  }

  create(input: CardProductInput): Promise<CardProduct> {
    const punch = input.kind === CardProductKind.PUNCH_CARD;
    const coupon = input.kind === CardProductKind.COUPON;
    if (coupon && !input.couponValueMinorUnits)
      throw new BadInputError('couponValueMinorUnits', 'required', 'A coupon needs the amount it takes off.');
    if (punch && !input.uses)
      throw new BadInputError('uses', 'required', 'A punch card needs its number of uses.');
    if (punch && !input.serviceIds?.length)
      throw new BadInputError('serviceIds', 'required', 'A punch card needs the services it covers.');
    if (!punch && (input.uses || input.serviceIds?.length))
      throw new BadInputError('uses', 'punchCardOnly', 'Only punch cards have uses and services.');
    return withUniqueConflicts([UNIQUE_CODE], () =>
      inTransaction(this.em, async (em) => {
        const product = em.create(CardProduct, {
          organization: this.viewer.organizationId,
          code: input.code,
          name: input.name.trim(),
          kind: input.kind,
          price: input.priceMinorUnits,
          principal: punch || coupon ? 0 : (input.principalMinorUnits ?? input.priceMinorUnits),
          bonus: punch || coupon ? 0 : (input.bonusMinorUnits ?? 0),
          couponValue: coupon ? input.couponValueMinorUnits : undefined,
          couponMinSpend: coupon ? (input.couponMinSpendMinorUnits ?? 0) : undefined,
          uses: punch ? input.uses : undefined,
          validityDays: input.validityDays,
          startsOnFirstUse: input.startsOnFirstUse ?? false,
        });
        if (punch) {
          const ids = [...new Set(input.serviceIds)];
          const services = await em.find(ServiceItem, { id: { $in: ids } });
          const unknown = ids.find((id) => !services.some((service) => service.id === id));
          if (unknown) throw new NotFoundError('ServiceItem', unknown);
          product.services.set(services);
        }
        this.audit.recordChange(em, AuditAction.CREATE, 'CardProduct', product.id, undefined, [
          'code',
          'name',
          'kind',
          'price',
        ]);
        return product;
      }),
    );
  }

  setActive(id: string, active: boolean): Promise<CardProduct> {
    return inTransaction(this.em, async (em) => {
      const product = await em.findOne(CardProduct, { id });
      if (!product) throw new NotFoundError('CardProduct', id);
      if (product.active !== active) {
        product.active = active;
        this.audit.recordChange(em, AuditAction.UPDATE, 'CardProduct', id, undefined, ['active']);
      }
      return product;
    });
  }
}
