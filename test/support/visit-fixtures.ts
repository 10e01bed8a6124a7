import { Customer, Product, ProductStock, StockMovement } from '../../src/entities';
import { StockMovementReason } from '../../src/entities/catalogue/catalogue.enums';
import { pinyinKeys } from '../../src/services/customers/pinyin';
import type { OrganizationFixture } from './fixtures';
import { newKey } from './ledger-fixtures';
import { execute, type TestApp } from './test-app';

let sequence = 0;

/** A product with `quantity` in the organization's store (received by one movement). */
export async function createProduct(
  testApp: TestApp,
  org: OrganizationFixture,
  name: string,
  quantity: number,
): Promise<Product> {
  const em = testApp.orm.em.fork();
  const product = em.create(Product, {
    organization: org.organizationId,
    code: `P${String(++sequence).padStart(4, '0')}`,
    name,
    unit: 'ml',
    cost: 500,
    price: 1_200,
    lowStockThreshold: 2,
  });
  em.create(ProductStock, { organization: org.organizationId, store: org.storeId, product, quantity });
  if (quantity > 0)
    em.create(StockMovement, {
      organization: org.organizationId,
      store: org.storeId,
      product,
      delta: quantity,
      reason: StockMovementReason.RECEIPT,
    });
  await em.flush();
  return product;
}

/** A customer with no visits, assigned to nobody unless told. */
export async function createCustomer(
  testApp: TestApp,
  org: OrganizationFixture,
  name: string,
  extra: Partial<Pick<Customer, 'lastVisitAt' | 'createdAt'>> & { consultantId?: string } = {},
): Promise<Customer> {
  const em = testApp.orm.em.fork();
  const keys = pinyinKeys(name);
  const customer = em.create(Customer, {
    organization: org.organizationId,
    name,
    code: `V${process.env.JEST_WORKER_ID ?? 0}${String(++sequence).padStart(6, '0')}`,
    namePinyin: keys.full,
    nameInitials: keys.initials,
    lastVisitAt: extra.lastVisitAt,
    createdAt: extra.createdAt ?? new Date(),
    assignedConsultant: extra.consultantId,
    healthConsentGivenAt: new Date(),
    healthConsentSource: '健康档案知情同意书',
  });
  await em.flush();
  return customer;
}

/**
 * A visit recorded at the front desk (in the organization's store, `lines` massages by the therapist),
 * settled in cash at `pricePerLine` each unless `settled` is false. Returns the visit's id.
 */
export async function recordSettledVisit(
  testApp: TestApp,
  org: OrganizationFixture,
  menu: { massage: { id: string } },
  visit: { customerId: string; at?: Date; lines: number; pricePerLine: number; settled?: boolean },
): Promise<string> {
  const recorded = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId: visit.customerId,
        storeId: org.storeId,
        visitedAt: visit.at?.toISOString(),
        lines: Array.from({ length: visit.lines }, () => ({
          serviceId: menu.massage.id,
          therapistId: org.users.THERAPIST.id,
        })),
      },
    },
  );
  if (recorded.errors) throw new Error(JSON.stringify(recorded.errors));
  const visitId = recorded.data!.recordVisit.id as string;
  if (visit.settled === false) return visitId;
  const settlement = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: SettleVisitInput!) { settleVisit(input: $input) { settlement { id } } }`,
    {
      input: {
        idempotencyKey: newKey('settled-visit'),
        visitId,
        externalPayments: [{ method: 'CASH', amountMinorUnits: visit.lines * visit.pricePerLine }],
      },
    },
  );
  if (settlement.errors) throw new Error(JSON.stringify(settlement.errors));
  return visitId;
}
