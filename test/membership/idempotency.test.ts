import { createCatalogue, localInstant, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, newKey, sellCard, type CardProductsFixture } from '../support/ledger-fixtures';
import { createTestApp, execute, type GraphQLResult, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
let cards: CardProductsFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  cards = await createCardProducts(testApp, org, menu);
});
afterAll(() => testApp.close());

const CHARGE = `mutation($input: ChargeStoredValueInput!) { chargeStoredValue(input: $input) {
  operationId dryRun entries { id kind principalDelta { minorUnits } } } }`;
const SETTLE = `mutation($input: SettleVisitInput!) { settleVisit(input: $input) {
  dryRun settlement { id due { minorUnits } } entries { id kind } } }`;
const BOOK = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) {
  appointment { id startsAt items { id therapist { id } } } contraindications { healthReviewRequired } } }`;
const RECORD = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id lines { id } } }`;

const charge = (input: Record<string, unknown>) => execute(testApp, org.tokens.FRONT_DESK, CHARGE, { input });
const settle = (input: Record<string, unknown>) => execute(testApp, org.tokens.FRONT_DESK, SETTLE, { input });
const book = (input: Record<string, unknown>) => execute(testApp, org.tokens.FRONT_DESK, BOOK, { input });
const record = (input: Record<string, unknown>) => execute(testApp, org.tokens.FRONT_DESK, RECORD, { input });

const bookingOf = (customerId: string, days: number, time = '10:00') => ({
  customerId,
  storeId: org.storeId,
  channel: 'POS',
  startsAt: localInstant(days, time),
  items: [{ serviceId: menu.haircut.id, therapistId: org.users.OTHER_THERAPIST.id }],
});
const walkIn = (customerId: string, satisfaction = 5) => ({
  customerId,
  storeId: org.storeId,
  satisfaction,
  lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
});

/** Eight copies in flight at once; every one must answer exactly like the first. */
type Result = GraphQLResult<Record<string, any>>;

async function inFlight(send: () => Promise<Result>): Promise<Result> {
  const results = await Promise.all(Array.from({ length: 8 }, send));
  expect(results[0].errors).toBeUndefined();
  for (const result of results) expect(result).toEqual(results[0]);
  return results[0];
}

async function storedValueCustomer(name: string) {
  const customer = await createCustomer(testApp, org, name);
  expect(
    (await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id)).errors,
  ).toBeUndefined();
  return customer;
}

const ledgerRows = (customerId: string) =>
  countRows(testApp.orm, `select count(*) from ledger_entry where customer_id = ?`, [customerId]);

describe('concurrent duplicates (same key, same input) wait for the first and return its answer', () => {
  test('a ledger posting', async () => {
    const customer = await storedValueCustomer('幂等扣款');
    const input = { customerId: customer.id, amountMinorUnits: 5_000, idempotencyKey: newKey('charge') };
    await inFlight(() => charge(input));
    expect(await ledgerRows(customer.id)).toBe(2);
  });

  test('a checkout', async () => {
    const customer = await storedValueCustomer('幂等结账');
    const visit = await record(walkIn(customer.id));
    const input = {
      visitId: visit.data!.recordVisit.id,
      storedValueMinorUnits: 19_800,
      idempotencyKey: newKey('settle'),
    };
    const first = await inFlight(() => settle(input));
    expect(first.data!.settleVisit.entries.map((entry: { kind: string }) => entry.kind)).toEqual([
      'CHARGE',
      'EARN',
    ]);
    expect(
      await countRows(testApp.orm, `select count(*) from settlement where customer_id = ?`, [customer.id]),
    ).toBe(1);
    expect(await ledgerRows(customer.id)).toBe(3);
  });

  test('a booking', async () => {
    const customer = await createCustomer(testApp, org, '幂等预约');
    const input = { ...bookingOf(customer.id, 3), idempotencyKey: newKey('book') };
    await inFlight(() => book(input));
    expect(
      await countRows(testApp.orm, `select count(*) from appointment where customer_id = ?`, [customer.id]),
    ).toBe(1);
  });

  test('a visit', async () => {
    const customer = await createCustomer(testApp, org, '幂等到店');
    const input = { ...walkIn(customer.id), idempotencyKey: newKey('visit') };
    await inFlight(() => record(input));
    expect(
      await countRows(testApp.orm, `select count(*) from visit where customer_id = ?`, [customer.id]),
    ).toBe(1);
    expect(
      await countRows(testApp.orm, `select visit_count as count from customer where id = ?`, [customer.id]),
    ).toBe(1);
  });
});

describe('the same key with other input is IDEMPOTENCY_KEY_REUSED, and nothing is written', () => {
  const reused = (result: GraphQLResult, key: string) =>
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      idempotencyKey: key,
    });

  test('a ledger posting and a checkout', async () => {
    const customer = await storedValueCustomer('改单扣款');
    const key = newKey('charge');
    expect(
      (await charge({ customerId: customer.id, amountMinorUnits: 1_000, idempotencyKey: key })).errors,
    ).toBeUndefined();
    reused(await charge({ customerId: customer.id, amountMinorUnits: 2_000, idempotencyKey: key }), key);

    const visit = (await record(walkIn(customer.id))).data!.recordVisit.id;
    const settleKey = newKey('settle');
    const paid = await settle({ visitId: visit, storedValueMinorUnits: 19_800, idempotencyKey: settleKey });
    expect(paid.errors).toBeUndefined();
    reused(
      await settle({
        visitId: visit,
        externalPayments: [{ method: 'CASH', amountMinorUnits: 19_800 }],
        idempotencyKey: settleKey,
      }),
      settleKey,
    );
    // The top-up, the charge, and the checkout's charge and points.
    expect(await ledgerRows(customer.id)).toBe(4);
  });

  test('a booking and a visit, and a key of one operation used for another', async () => {
    const customer = await createCustomer(testApp, org, '改单预约');
    const key = newKey('book');
    expect((await book({ ...bookingOf(customer.id, 4), idempotencyKey: key })).errors).toBeUndefined();
    reused(await book({ ...bookingOf(customer.id, 4, '11:00'), idempotencyKey: key }), key);
    // The same key for a visit is other input too: keys are one namespace per organization.
    reused(await record({ ...walkIn(customer.id), idempotencyKey: key }), key);

    const visitKey = newKey('visit');
    expect((await record({ ...walkIn(customer.id), idempotencyKey: visitKey })).errors).toBeUndefined();
    reused(await record({ ...walkIn(customer.id, 4), idempotencyKey: visitKey }), visitKey);
    expect(
      await countRows(testApp.orm, `select count(*) from appointment where customer_id = ?`, [customer.id]),
    ).toBe(1);
    expect(
      await countRows(testApp.orm, `select count(*) from visit where customer_id = ?`, [customer.id]),
    ).toBe(1);
  });

  test('after the key record is purged, the key kept on the booking or visit is still refused', async () => {
    const customer = await createCustomer(testApp, org, '过期键');
    const bookKey = newKey('book');
    const visitKey = newKey('visit');
    expect((await book({ ...bookingOf(customer.id, 5), idempotencyKey: bookKey })).errors).toBeUndefined();
    expect((await record({ ...walkIn(customer.id), idempotencyKey: visitKey })).errors).toBeUndefined();
    await testApp.asOwner(`delete from idempotency_record where key in ($1, $2)`, [bookKey, visitKey]);
    reused(await book({ ...bookingOf(customer.id, 5, '12:00'), idempotencyKey: bookKey }), bookKey);
    reused(await record({ ...walkIn(customer.id), idempotencyKey: visitKey }), visitKey);
  });
});

describe('dryRun answers as the real call would', () => {
  test('a key used for other input is IDEMPOTENCY_KEY_REUSED; for the same input, the first answer, posting nothing', async () => {
    const customer = await storedValueCustomer('试算');
    const key = newKey('charge');
    const first = await charge({ customerId: customer.id, amountMinorUnits: 3_000, idempotencyKey: key });
    expect(first.errors).toBeUndefined();
    const other = await charge({
      customerId: customer.id,
      amountMinorUnits: 4_000,
      idempotencyKey: key,
      dryRun: true,
    });
    expect(other.errors?.[0].extensions).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      idempotencyKey: key,
    });
    const same = await charge({
      customerId: customer.id,
      amountMinorUnits: 3_000,
      idempotencyKey: key,
      dryRun: true,
    });
    expect(same.data!.chargeStoredValue).toEqual({ ...first.data!.chargeStoredValue, dryRun: true });

    const visit = (await record(walkIn(customer.id))).data!.recordVisit.id;
    const settleKey = newKey('settle');
    expect(
      (await settle({ visitId: visit, storedValueMinorUnits: 19_800, idempotencyKey: settleKey })).errors,
    ).toBeUndefined();
    const dryOther = await settle({
      visitId: visit,
      externalPayments: [{ method: 'CASH', amountMinorUnits: 19_800 }],
      idempotencyKey: settleKey,
      dryRun: true,
    });
    expect(dryOther.errors?.[0].extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await ledgerRows(customer.id)).toBe(4);
  });
});
