import type { CatalogueFixture } from './booking-fixtures';
import type { OrganizationFixture } from './fixtures';
import { execute, type TestApp } from './test-app';

let sequence = 0;
export const newKey = (label = 'key') => `${label}-${process.pid}-${Date.now()}-${++sequence}`;

export interface CardProductsFixture {
  /** 充1000送100: price and principal ¥1000, bonus ¥100. */
  topUp: { id: string };
  /** 10次肩颈推拿卡 for 肩颈推拿, 180 days. */
  massageCard: { id: string };
}

/** Two card products configured through the API by the manager. */
export async function createCardProducts(
  testApp: TestApp,
  org: OrganizationFixture,
  menu: CatalogueFixture,
): Promise<CardProductsFixture> {
  const create = async (input: Record<string, unknown>) => {
    const result = await execute(
      testApp,
      org.tokens.MANAGER,
      `mutation($input: CardProductInput!) { createCardProduct(input: $input) { id } }`,
      { input },
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.createCardProduct as { id: string };
  };
  return {
    topUp: await create({
      code: `SV1000-${++sequence}`,
      name: '充1000送100',
      kind: 'STORED_VALUE',
      priceMinorUnits: 100_000,
      bonusMinorUnits: 10_000,
    }),
    massageCard: await create({
      code: `PC10-${++sequence}`,
      name: '10次肩颈推拿卡',
      kind: 'PUNCH_CARD',
      priceMinorUnits: 168_000,
      uses: 10,
      serviceIds: [menu.massage.id],
      validityDays: 180,
    }),
  };
}

export const SELL = `mutation($input: SellCardInput!) { sellCard(input: $input) {
  operationId dryRun entries { id kind unitsDelta principalAfter { minorUnits } bonusAfter { minorUnits } unitsAfter
    amountPaid { minorUnits } account { id units balance { minorUnits } } } } }`;
export const CHARGE = `mutation($input: ChargeStoredValueInput!) { chargeStoredValue(input: $input) {
  operationId dryRun entries { id kind principalDelta { minorUnits } bonusDelta { minorUnits }
    principalAfter { minorUnits } bonusAfter { minorUnits } } } }`;

/** Sells a card to the customer as the front desk (paid by WeChat Pay); returns the posting. */
export async function sellCard(
  testApp: TestApp,
  token: string,
  customerId: string,
  cardProductId: string,
  extra: Record<string, unknown> = {},
) {
  return execute(testApp, token, SELL, {
    input: {
      customerId,
      cardProductId,
      payment: { method: 'WECHAT_PAY' },
      idempotencyKey: newKey('sell'),
      ...extra,
    },
  });
}
